from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.backup import BackupError, restore, revoke_credentials


class Command(BaseCommand):
    help = "Replace the whole database with the backup at PATH (made by `backup`)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path, yes, **options):
        if not yes and input(f"Replace every row of the database with {path}? [y/N] ").strip().lower() != "y":
            raise CommandError("Restore cancelled.")
        try:
            restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        sessions, tokens = revoke_credentials()
        self.stdout.write(f"database restored from {path}")
        self.stdout.write(f"signed out {sessions} session(s) and revoked {tokens} API token(s) from the backup: "
                          "everyone signs in again and creates new API tokens at /accounts/tokens/")
