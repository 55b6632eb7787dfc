"""Which priority scene types (六(三)) a region is ready for, from the version's prerequisites.

Each prerequisite is an indicator at a minimum level. For a region a type is
- `ready`: every prerequisite met;
- `near`: at most NEAR_MAX_MISSING prerequisites missing, or at most NEAR_MAX_LEVELS levels missing
  in total (a missing prerequisite counts needed − current levels, unanswered as level 0);
- `not_yet`: otherwise.
A prerequisite on an indicator the region marked "not applicable" does not stand in its way.
Ranking: ready types first, the guide's mature types (1–4) before the others, then by the fewest
missing levels, then by number. Raising a level never lowers a type's readiness (the missing count
and levels only fall).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assessments.scoring import NOT_APPLICABLE, AnswerValue

READY, NEAR, NOT_YET = "ready", "near", "not_yet"
READINESS_ORDER = {READY: 0, NEAR: 1, NOT_YET: 2}
NEAR_MAX_MISSING = 2
NEAR_MAX_LEVELS = 3


@dataclass(frozen=True, slots=True)
class Prerequisite:
    indicator: str
    level: int
    guide_section: str


@dataclass(frozen=True, slots=True)
class Missing:
    indicator: str
    level: int | None  # the current level (None: unanswered)
    needed: int
    guide_section: str

    @property
    def gap(self) -> int:
        return self.needed - (self.level or 0)


@dataclass(frozen=True, slots=True)
class Readiness:
    status: str  # READY, NEAR or NOT_YET
    missing: tuple[Missing, ...]

    @property
    def missing_levels(self) -> int:
        return sum(item.gap for item in self.missing)


def readiness(*, prerequisites: Iterable[Prerequisite], values: Mapping[str, AnswerValue]) -> Readiness:
    missing = []
    for prerequisite in prerequisites:
        level = values.get(prerequisite.indicator)
        if level == NOT_APPLICABLE:
            continue
        current = level if isinstance(level, int) else None
        if (current or 0) < prerequisite.level:
            missing.append(Missing(indicator=prerequisite.indicator, level=current, needed=prerequisite.level,
                                   guide_section=prerequisite.guide_section))
    missing_levels = sum(item.gap for item in missing)
    if not missing:
        status = READY
    elif len(missing) <= NEAR_MAX_MISSING or missing_levels <= NEAR_MAX_LEVELS:
        status = NEAR
    else:
        status = NOT_YET
    return Readiness(status=status, missing=tuple(missing))


def rank_key(*, number: int, mature: bool, state: Readiness) -> tuple:
    return (READINESS_ORDER[state.status], not mature, state.missing_levels, number)
