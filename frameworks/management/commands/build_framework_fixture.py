import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks.content import read_source, validate_document
from frameworks.models import Framework
from frameworks.records import document_records, fixture_objects


class Command(BaseCommand):
    help = "Build fixtures/<code>.json from the readable source files in fixtures/source/<code>/."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", default="sodpa-2023")
        parser.add_argument("--check", action="store_true",
                            help="Fail if the committed fixture differs from what the source builds.")

    def handle(self, *args, code, check, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        document = read_source(fixtures / "source" / code)
        errors = validate_document(document)
        if errors:
            raise CommandError("The source is invalid:\n" + "\n".join(errors))
        objects = fixture_objects(document_records(document, status=Framework.Status.PUBLISHED))
        text = json.dumps(objects, ensure_ascii=False, indent=1) + "\n"
        target = fixtures / f"{code}.json"
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise CommandError(f"{target} is out of date: run manage.py build_framework_fixture {code}")
            self.stdout.write(f"{target} is up to date")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {target}: {len(objects)} objects")
