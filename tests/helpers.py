"""Small helpers shared by the view tests."""

from assessments.models import Answer, Assessment
from frameworks.models import Indicator


def fill(assessment: Assessment, level: int = 2, *, skip: int = 0) -> list[Indicator]:
    """Answer every indicator of the assessment's framework (but the last `skip`) with `level`."""
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=assessment.framework))
    answered = indicators[: len(indicators) - skip]
    Answer.objects.bulk_create(Answer(assessment=assessment, indicator=i, level=level) for i in answered)
    return indicators


def step_post_data(response) -> dict:
    """The form data a browser would send for the step page as rendered (hidden fields included)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data
