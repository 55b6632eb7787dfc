from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.reports import ReportError, render_report


class Command(BaseCommand):
    help = "Write an assessment's PDF report in Chinese or English."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans")
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, assessment_id, lang, output, **options):
        assessment = Assessment.objects.select_related("region", "framework").filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment with id {assessment_id}")
        try:
            pdf = render_report(assessment=assessment, language=lang)
        except ReportError as error:
            raise CommandError(str(error)) from error
        output.write_bytes(pdf)
        self.stdout.write(f"wrote {output} ({len(pdf) // 1024} KB, {lang})")
