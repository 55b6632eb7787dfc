import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.versions import FrameworkInvalid, VersionError, import_document


class Command(BaseCommand):
    help = (
        "Load an export_framework JSON file as a new draft version of its framework (the next version "
        "number, whatever the file says); --publish publishes it. The file is validated first: every "
        "problem is listed and nothing is written when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish the new version.")

    def handle(self, *args, file, publish, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"{file}: no such file") from error
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: not a JSON file ({error})") from error
        try:
            framework = import_document(document=document, publish_it=publish)
        except FrameworkInvalid as error:
            raise CommandError(
                f"{file}: {len(error.problems)} problem(s), nothing was imported:\n  " + "\n  ".join(error.problems)
            ) from error
        except VersionError as error:
            raise CommandError(f"{file}: {error}") from error
        self.stdout.write(f"imported {file} as {framework} ({framework.status})")
