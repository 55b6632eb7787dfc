from django.core.management import call_command
from django.core.management.base import BaseCommand

from frameworks.models import Framework


class Command(BaseCommand):
    help = "Load the SODPA framework fixture unless the database already has it (safe to run at every start)."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", default="sodpa-2023")

    def handle(self, *args, code, **options):
        if Framework.objects.filter(code=code).exists():
            self.stdout.write(f"{code} is already loaded")
            return
        call_command("loaddata", code, verbosity=0)
        self.stdout.write(f"loaded {code}")
