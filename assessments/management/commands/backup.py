from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup of the whole database to PATH (safe while the server runs)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            backup(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"backup written to {path} ({path.stat().st_size // 1024} KB)")
