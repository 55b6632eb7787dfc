import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from frameworks.models import Framework


def framework_fixtures(code: str) -> list[tuple[int, str]]:
    """(version, fixture name) for every committed version of `code`: `fixtures/<code>.json` is
    version 1, `fixtures/<code>-v<N>.json` version N; oldest first."""
    fixtures = Path(settings.BASE_DIR) / "fixtures"
    found = [(1, code)] if (fixtures / f"{code}.json").is_file() else []
    for path in fixtures.glob(f"{code}-v*.json"):
        match = re.fullmatch(rf"{re.escape(code)}-v(\d+)\.json", path.name)
        if match:
            found.append((int(match.group(1)), path.stem))
    return sorted(found)


class Command(BaseCommand):
    help = ("Load every committed version of the SODPA framework that the database does not have yet "
            "(safe to run at every start).")

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", default="sodpa-2023")

    def handle(self, *args, code, **options):
        present = set(Framework.objects.filter(code=code).values_list("version", flat=True))
        for version, fixture in framework_fixtures(code):
            if version in present:
                self.stdout.write(f"{code} version {version} is already loaded")
                continue
            call_command("loaddata", fixture, verbosity=0)
            self.stdout.write(f"loaded {code} version {version}")
