import json

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.services import score_assessment


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = "Print an assessment's scores: overall, per dimension and sub-dimension, with tiers."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, assessment_id, format, **options):
        assessment = Assessment.objects.with_answers().filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment with id {assessment_id}")
        card = score_assessment(assessment=assessment)
        if format == "json":
            self.stdout.write(json.dumps({"assessment": assessment.pk, **card.as_dict()}, ensure_ascii=False))
            return
        self.stdout.write(f"{assessment} — {card.framework} v{card.version}, "
                          f"{assessment.get_status_display()}, completion {card.completion:.0%}")
        self.stdout.write(f"{'':<6}{'score':>8}  tier")
        self.stdout.write(f"{'overall':<6}{_cell(card.overall):>8}  {card.overall_tier or '—'}")
        for dimension in card.dimensions:
            self.stdout.write(f"{dimension.code:<6}{_cell(dimension.score):>8}  {dimension.tier or '—'}")
            for code, score in dimension.subdimensions:
                self.stdout.write(f"  {code:<4}{_cell(score):>8}  {card.subdimension_tier(code) or '—'}")
