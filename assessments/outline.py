"""The questionnaire's outline: each step (dimension) and sub-dimension with how many of its indicators
are answered, the step to open on re-entry, and where the next unanswered indicator is.

Pure: it reads a framework already fetched with its questionnaire (`Framework.objects.with_questionnaire`,
so dimensions, sub-dimensions and indicators are prefetched) and the answers by indicator id; it runs
no query of its own, whatever the size of the questionnaire."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from assessments.models import Answer, Response
from frameworks.models import Framework, Indicator


def code_anchor(code: str) -> str:
    """The id of an indicator's block on the step page, by its code (the form's layout uses the same)."""
    return "indicator-i_" + code.replace(".", "_")


def indicator_anchor(indicator: Indicator) -> str:
    return code_anchor(indicator.code)


def subdimension_anchor(code: str) -> str:
    return "sub-" + code.replace(".", "_")


@dataclass(frozen=True)
class SubOutline:
    code: str
    name: str
    step: str
    answered: int
    total: int
    anchor: str
    first_unanswered: str | None  # the anchor of its first unanswered indicator

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class StepOutline:
    code: str
    name: str
    subdimensions: tuple[SubOutline, ...]

    @property
    def answered(self) -> int:
        return sum(sub.answered for sub in self.subdimensions)

    @property
    def total(self) -> int:
        return sum(sub.total for sub in self.subdimensions)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class Target:
    step: str
    anchor: str


@dataclass(frozen=True)
class Outline:
    steps: tuple[StepOutline, ...]

    @property
    def answered(self) -> int:
        return sum(step.answered for step in self.steps)

    @property
    def total(self) -> int:
        return sum(step.total for step in self.steps)

    def step(self, code: str) -> StepOutline | None:
        return next((step for step in self.steps if step.code == code), None)

    def first_incomplete_step(self) -> str:
        """The step to open when the user does not choose one: the first with an unanswered
        indicator, or the first step when every one is answered."""
        return next((step.code for step in self.steps if not step.complete), self.steps[0].code)

    def next_unanswered(self, *, from_step: str) -> Target | None:
        """The first unanswered indicator from `from_step` on, going round to the steps before it;
        None when everything is answered."""
        codes = [step.code for step in self.steps]
        start = codes.index(from_step) if from_step in codes else 0
        for step in self.steps[start:] + self.steps[:start]:
            for sub in step.subdimensions:
                if sub.first_unanswered is not None:
                    return Target(step=step.code, anchor=sub.first_unanswered)
        return None


def _is_answered(answer: Answer | Response | None) -> bool:
    return answer is not None and answer.value is not None


def questionnaire_outline(*, framework: Framework, answers: Mapping[int, Answer | Response],
                          only: Collection[int] | None = None) -> Outline:
    """`only`: the indicators (ids) the viewer answers, e.g. a contributor's parts; the others, and the
    sub-dimensions and steps left empty, are not in the outline."""
    steps = []
    for dimension in framework.dimensions.all():
        subs = []
        for sub in dimension.subdimensions.all():
            indicators = [ind for ind in sub.indicators.all() if only is None or ind.pk in only]
            if not indicators:
                continue
            open_ones = [ind for ind in indicators if not _is_answered(answers.get(ind.pk))]
            subs.append(SubOutline(
                code=sub.code, name=sub.name, step=dimension.code,
                answered=len(indicators) - len(open_ones), total=len(indicators),
                anchor=subdimension_anchor(sub.code),
                first_unanswered=indicator_anchor(open_ones[0]) if open_ones else None,
            ))
        if subs or only is None:
            steps.append(StepOutline(code=dimension.code, name=dimension.name, subdimensions=tuple(subs)))
    return Outline(steps=tuple(steps))


def unanswered_codes(*, framework_dimension, answers: Mapping[int, Answer]) -> set[str]:
    """The codes of a step's unanswered indicators (for the "only unanswered" filter)."""
    return {ind.code for sub in framework_dimension.subdimensions.all() for ind in sub.indicators.all()
            if not _is_answered(answers.get(ind.pk))}
