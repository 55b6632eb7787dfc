"""How far independent respondents disagree: pure functions of the levels they gave.

Definitions (named so in the UI):
- an indicator's *range*: the highest level given minus the lowest (0–4), over the respondents who
  gave a level; "not applicable" and unanswered responses are left out. None with fewer than two levels.
- an indicator's *deviation*: the mean absolute deviation of its levels from their mean.
- a part's *spread*: the mean of its indicators' deviations, over the indicators with a range
  (at least two levels given). 0 when everyone agrees; at most 2 (half the scale).
- a *disagreement*: an indicator whose range is at least `DISAGREEMENT_LEVELS` (2): listed in the
  PDF's appendix.
- *mixed N/A*: some respondents said "not applicable" and others gave a level.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessments.scoring import NOT_APPLICABLE, AnswerValue

DISAGREEMENT_LEVELS = 2


def _levels(values: Sequence[AnswerValue]) -> list[int]:
    return [value for value in values if isinstance(value, int) and not isinstance(value, bool)]


def level_range(values: Sequence[AnswerValue]) -> int | None:
    levels = _levels(values)
    return max(levels) - min(levels) if len(levels) >= 2 else None


def mean_absolute_deviation(values: Sequence[AnswerValue]) -> float | None:
    levels = _levels(values)
    if len(levels) < 2:
        return None
    mean = sum(levels) / len(levels)
    return sum(abs(level - mean) for level in levels) / len(levels)


@dataclass(frozen=True)
class IndicatorSpread:
    code: str
    values: tuple[AnswerValue, ...]
    range: int | None
    deviation: float | None
    mixed_na: bool

    @property
    def disagreement(self) -> bool:
        return self.range is not None and self.range >= DISAGREEMENT_LEVELS


@dataclass(frozen=True)
class PartSpread:
    indicators: tuple[IndicatorSpread, ...]
    spread: float | None  # mean of the indicators' deviations; None when no indicator has two levels

    @property
    def disagreements(self) -> tuple[IndicatorSpread, ...]:
        return tuple(item for item in self.indicators if item.disagreement)


def indicator_spread(*, code: str, values: Sequence[AnswerValue]) -> IndicatorSpread:
    given = [value for value in values if value is not None]
    return IndicatorSpread(
        code=code, values=tuple(values), range=level_range(values), deviation=mean_absolute_deviation(values),
        mixed_na=NOT_APPLICABLE in given and bool(_levels(given)),
    )


def part_spread(*, values: Mapping[str, Sequence[AnswerValue]]) -> PartSpread:
    """`values`: indicator code → the values its respondents gave, in the part's order."""
    items = tuple(indicator_spread(code=code, values=given) for code, given in values.items())
    deviations = [item.deviation for item in items if item.deviation is not None]
    return PartSpread(indicators=items, spread=sum(deviations) / len(deviations) if deviations else None)
