"""Reading assessments for scoring: the bridge between the database and the pure scoring code."""

from assessments.models import Assessment
from assessments.scoring import AnswerValue, ScoreCard, score_answers
from frameworks.models import Framework
from frameworks.spec import FrameworkSpec, framework_spec


def answer_values(*, assessment: Assessment) -> dict[str, AnswerValue]:
    """Indicator code → 0–4, "na" or None; uses prefetched answers (`with_answers()`) when present."""
    return {answer.indicator.code: answer.value for answer in assessment.answers.all()}


def spec_for(*, framework: Framework) -> FrameworkSpec:
    return framework_spec(framework=Framework.objects.with_questionnaire().get(pk=framework.pk))


def score_assessment(*, assessment: Assessment, spec: FrameworkSpec | None = None) -> ScoreCard:
    spec = spec or spec_for(framework=assessment.framework)
    return score_answers(spec=spec, answers=answer_values(assessment=assessment))
