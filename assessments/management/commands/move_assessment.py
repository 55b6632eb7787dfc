from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assessments.models import Assessment
from assessments.versioning import move_assessment
from frameworks.models import Framework
from frameworks.versions import VersionError


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(codes) if codes else "none"


class Command(BaseCommand):
    help = (
        "Move a draft assessment to another published version of its framework: answers follow their "
        "indicator code, new indicators stay unanswered, answers to removed indicators are deleted and "
        "listed. Submitted assessments keep their version and are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--framework-version", dest="framework_version", type=int, required=True)

    def handle(self, *args, assessment_id, framework_version, **options):
        assessment = Assessment.objects.select_related("framework").filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment with id {assessment_id}")
        framework = Framework.objects.filter(code=assessment.framework.code, version=framework_version).first()
        if framework is None:
            raise CommandError(f"No version {framework_version} of framework {assessment.framework.code}")
        try:
            with translation.override("en"):  # command output is English, like its other lines
                result = move_assessment(assessment=assessment, framework=framework)
        except VersionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"moved assessment {assessment.pk} from {framework.code} v{result.from_version} "
                          f"to v{result.to_version}: {len(result.carried)} answers carried over")
        self.stdout.write(f"new indicators, unanswered: {_codes(result.added)}")
        self.stdout.write(f"removed indicators: {_codes(result.removed)}")
        self.stdout.write(f"answers deleted: {_codes(result.discarded)}")
