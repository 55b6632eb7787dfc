from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assessments import exports
from assessments.models import Assessment, Region
from assessments.readable_sheets import comparison_frame


class Command(BaseCommand):
    help = (
        "Export assessments (all, one region's or one) as XLSX (data sheets 'answers' and 'scores', then "
        "sheets a person reads in --lang: score summary, answer details and, for more than one assessment, "
        "the region comparison) or as two CSV files PATH-answers.csv and PATH-scores.csv. The answers of "
        "one assessment import back with import_answers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["xlsx", "csv"], required=True)
        parser.add_argument("--output", type=Path, required=True,
                            help="the XLSX file; for CSV the base path (a trailing .csv is dropped)")
        parser.add_argument("--region", help="only this region's assessments (its exact name)")
        parser.add_argument("--assessment", type=int, help="only this assessment (its id)")
        parser.add_argument("--lang", choices=[code for code, _ in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="language of the questions, names and the human sheets")

    def handle(self, *args, format, output, region, assessment, lang, **options):
        assessments = Assessment.objects.select_related("region").order_by("region__name", "created_at", "pk")
        if region is not None:
            found = Region.objects.filter(name=region.strip()).first()
            if found is None:
                raise CommandError(f"unknown region {region!r}: no region has this name")
            assessments = assessments.filter(region=found)
        if assessment is not None:
            assessments = assessments.filter(pk=assessment)
            if not assessments.exists():
                where = f" in region {region!r}" if region is not None else ""
                raise CommandError(f"no assessment with id {assessment}{where}")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such directory")
        items = list(assessments)
        with translation.override(lang):
            answers, scores = exports.frames(items)
            count = scores["assessment_id"].nunique()
            if format == "xlsx":
                # a set of assessments (not just one) gets the region × dimension comparison
                comparison = comparison_frame(items, scores) if assessment is None else None
                exports.write_xlsx(output, answers, scores, comparison=comparison)
                written = [output]
            else:
                written = list(exports.write_csv(output, answers, scores))
        self.stdout.write(f"exported {count} assessment(s): {len(answers)} answer rows, {len(scores)} score rows")
        for path in written:
            self.stdout.write(str(path))
