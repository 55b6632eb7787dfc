import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks.content import missing_source_files, read_source, validate_document
from frameworks.models import Framework
from frameworks.records import document_records, fixture_objects

# Each version's fixture takes its own primary-key range so that all of them load side by side.
PK_RANGE = 10000


def version_sources(source: Path, code: str, fixtures: Path) -> list[tuple[Path, Path, int]]:
    """(source directory, fixture file, first primary key) per version: `fixtures/source/<code>/`
    is version 1 → `fixtures/<code>.json`; `fixtures/source/<code>/v<N>/` → `fixtures/<code>-v<N>.json`."""
    found = [(source, fixtures / f"{code}.json", 1)]
    for directory in sorted(source.glob("v*"), key=lambda p: int(p.name[1:]) if p.name[1:].isdigit() else 0):
        if directory.is_dir() and re.fullmatch(r"v[2-9]\d*", directory.name):
            number = int(directory.name[1:])
            found.append((directory, fixtures / f"{code}-v{number}.json", (number - 1) * PK_RANGE + 1))
    return found


class Command(BaseCommand):
    help = ("Build fixtures/<code>.json from the readable source files in fixtures/source/<code>/, and "
            "fixtures/<code>-v<N>.json from fixtures/source/<code>/v<N>/ for each later version.")

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", default="sodpa-2023")
        parser.add_argument("--check", action="store_true",
                            help="Fail if a committed fixture differs from what its source builds.")

    def handle(self, *args, code, check, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        for directory, target, first_pk in version_sources(fixtures / "source" / code, code, fixtures):
            missing = missing_source_files(directory)
            if missing:
                if target.exists():
                    raise CommandError(f"{directory} lacks {', '.join(missing)} but {target} exists")
                self.stderr.write(f"skipped {directory}: not complete yet (missing {', '.join(missing)})")
                continue
            self._build(directory, target, first_pk, code=code, check=check)

    def _build(self, directory: Path, target: Path, first_pk: int, *, code: str, check: bool) -> None:
        label = "The source" if first_pk == 1 else f"The source in {directory}"
        try:
            document = read_source(directory)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{label} cannot be read: {error}") from error
        errors = validate_document(document)
        if errors:
            raise CommandError(f"{label} is invalid:\n" + "\n".join(errors))
        records = document_records(document, status=Framework.Status.PUBLISHED, first_pk=first_pk)
        objects = fixture_objects(records)
        text = json.dumps(objects, ensure_ascii=False, indent=1) + "\n"
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise CommandError(f"{target} is out of date: run manage.py build_framework_fixture {code}")
            self.stdout.write(f"{target} is up to date")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {target}: {len(objects)} objects")
