from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.reports import ReportError, render_report


class Command(BaseCommand):
    help = "Write an assessment's report in Chinese or English, as PDF or as an editable Word copy (DOCX)."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans")
        parser.add_argument("--format", choices=["pdf", "docx"], default="pdf")
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, assessment_id, lang, format, output, **options):
        assessment = Assessment.objects.select_related("region", "framework").filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment with id {assessment_id}")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such directory")
        try:
            if format == "docx":
                from assessments.docx_report import render_docx

                content = render_docx(assessment=assessment, language=lang)
            else:
                content = render_report(assessment=assessment, language=lang)
        except ReportError as error:
            raise CommandError(str(error)) from error
        output.write_bytes(content)
        self.stdout.write(f"wrote {output} ({len(content) // 1024} KB, {lang}, {format})")
