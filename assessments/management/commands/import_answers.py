from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.importing import ImportProblems, import_answer_file, problem_report


class Command(BaseCommand):
    help = (
        "Create an assessment from an answer file (JSON, CSV or XLSX) and print its id as the last "
        "line. CSV/XLSX have columns indicator, level, evidence; give the region with --region, "
        "--kind and --city-type. Nothing is written when the file has any problem; the problems are "
        "listed (the first 50) in English or, with --lang zh-hans, in Chinese."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--framework", default="sodpa-2023", help="CSV/XLSX: framework code")
        parser.add_argument("--region", help="CSV/XLSX: region name")
        parser.add_argument("--kind", help="CSV/XLSX: city, district or park (new regions)")
        parser.add_argument("--city-type", help="CSV/XLSX: port, industrial, tourism or comprehensive")
        parser.add_argument("--title", default="", help="CSV/XLSX: assessment title")
        parser.add_argument("--submit", action="store_true", help="CSV/XLSX: submit (must be complete)")
        parser.add_argument("--framework-version", dest="framework_version", type=int, metavar="N",
                            help="CSV/XLSX: enter the answers on published version N (default: the latest); "
                                 "a JSON file says \"framework_version\": N")
        parser.add_argument("--lang", default="en", choices=[code for code, _name in settings.LANGUAGES],
                            help="language of the problem messages (default en)")

    def handle(self, *args, file, framework, region, kind, city_type, title, submit, lang, framework_version=None,
               **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        with translation.override(lang):
            try:
                assessment = import_answer_file(
                    file, framework=framework, title=title, submit=submit, framework_version=framework_version,
                    region={"name": region or "", "kind": kind, "city_type": city_type},
                )
            except ImportProblems as error:
                count = len(error.problems)
                heading = _("%(file)s: %(count)s problem(s), nothing was imported:")
                raise CommandError(
                    heading % {"file": file, "count": count} + "\n  " + "\n  ".join(problem_report(error.problems))
                ) from error
        self.stdout.write(f"imported {file} as assessment {assessment.pk} of {assessment.region} "
                          f"({assessment.get_status_display()}, {assessment.answers.count()} answers)")
        self.stdout.write(str(assessment.pk))
