import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assessments.models import Assessment
from assessments.results import score_assessment
from assessments.versioning import what_if
from frameworks.models import Framework
from frameworks.versions import VersionError


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = ("Print an assessment's scores: overall, per dimension and sub-dimension, with tiers. "
            "With --what-if VERSION: its scores under another version of its framework, changing nothing.")

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--what-if", dest="what_if_version", type=int, metavar="VERSION",
                            help="Score under this version of the assessment's framework; nothing is changed.")

    def handle(self, *args, assessment_id, format, what_if_version=None, **options):
        assessment = Assessment.objects.with_answers().filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment with id {assessment_id}")
        note = None
        if what_if_version is None:
            card = score_assessment(assessment=assessment)
        else:
            framework = Framework.objects.filter(code=assessment.framework.code, version=what_if_version).first()
            if framework is None:
                raise CommandError(f"No version {what_if_version} of framework {assessment.framework.code}")
            try:
                with translation.override("en"):  # command output is English, like its other lines
                    card = what_if(assessment=assessment, framework=framework)
            except VersionError as error:
                raise CommandError(str(error)) from error
            note = (f"what-if: assessment {assessment.pk} ({assessment.framework}, {assessment.status}) "
                    f"scored under {framework} ({framework.status}); nothing was changed")
        if format == "json":
            self.stdout.write(json.dumps({"assessment": assessment.pk, **card.as_dict()}, ensure_ascii=False))
            if note:
                self.stderr.write(note)
            return
        if note:
            self.stdout.write(note)
        self.stdout.write(f"{assessment} — {card.framework} v{card.version}, "
                          f"{assessment.get_status_display()}, completion {card.completion:.0%}")
        self.stdout.write(f"{'':<6}{'score':>8}  tier")
        self.stdout.write(f"{'overall':<6}{_cell(card.overall):>8}  {card.overall_tier or '—'}")
        for dimension in card.dimensions:
            self.stdout.write(f"{dimension.code:<6}{_cell(dimension.score):>8}  {dimension.tier or '—'}")
            for code, score in dimension.subdimensions:
                self.stdout.write(f"  {code:<4}{_cell(score):>8}  {card.subdimension_tier(code) or '—'}")
