import json

from django.core.management.base import BaseCommand, CommandError

from frameworks.export import export_document
from frameworks.models import Framework


class Command(BaseCommand):
    help = "Print a framework version (the latest published by default) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--framework-version", dest="framework_version", type=int,
                            help="A specific version, published or draft.")

    def handle(self, *args, code, framework_version, **options):
        if framework_version is None:
            framework = Framework.objects.latest_published(code)
        else:
            framework = Framework.objects.filter(code=code, version=framework_version).first()
        if framework is None:
            raise CommandError(f"No {'published ' if framework_version is None else ''}framework "
                               f"{code!r}{f' version {framework_version}' if framework_version else ''}")
        self.stdout.write(json.dumps(export_document(framework=framework), ensure_ascii=False, indent=2))
