"""What to raise first: one-level moves (an answered, applicable indicator below level 4, up by
one) and their exact gain of the overall score, re-scored with the pure scoring function.

With "not applicable" and unanswered indicators fixed, the overall score is a linear function of
the answered levels (weighted means over fixed sets, whatever the aggregation), so each indicator's
one-level gain is the same at every level, and taking the moves greedily by gain gives the
smallest set that reaches a score: no other set of k moves can add more than the k largest gains.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assessments.scoring import (
    BOUNDARY_TOLERANCE,
    MAX_LEVEL,
    TIER_ADVANCED,
    TIER_BASIC,
    TIER_INTERMEDIATE,
    AnswerValue,
    ScoreCard,
    score_answers,
)
from frameworks.spec import FrameworkSpec

RAISE_FIRST_COUNT = 5


def code_key(code: str) -> tuple:
    """Indicator codes in natural order: D1.9 before D1.10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code))


@dataclass(frozen=True, slots=True)
class Move:
    indicator: str
    from_level: int
    to_level: int
    overall_gain: float  # points of the overall score this one move adds


@dataclass(frozen=True, slots=True)
class NextTier:
    tier: str
    moves: tuple[Move, ...]  # the fewest one-level moves that reach `tier`, in order
    overall: float  # the overall score after them


def one_level_moves(*, spec: FrameworkSpec, values: Mapping[str, AnswerValue], card: ScoreCard) -> tuple[Move, ...]:
    """Every one-level move with its exact gain, the largest first (ties by code)."""
    if card.overall is None:
        return ()
    moves = []
    for indicator in spec.indicators:
        level = values.get(indicator.code)
        if not isinstance(level, int) or isinstance(level, bool) or level >= MAX_LEVEL:
            continue
        raised = score_answers(spec=spec, answers={**values, indicator.code: level + 1})
        moves.append(Move(indicator=indicator.code, from_level=level, to_level=level + 1,
                          overall_gain=(raised.overall or 0.0) - (card.overall or 0.0)))
    return tuple(sorted(moves, key=lambda move: (-move.overall_gain, code_key(move.indicator))))


def raise_first(*, moves: tuple[Move, ...], count: int = RAISE_FIRST_COUNT) -> tuple[Move, ...]:
    return moves[:count]


def _next_tier_name(tier: str) -> str | None:
    return {TIER_BASIC: TIER_INTERMEDIATE, TIER_INTERMEDIATE: TIER_ADVANCED}.get(tier)


def next_tier(*, spec: FrameworkSpec, values: Mapping[str, AnswerValue], card: ScoreCard,
              moves: tuple[Move, ...]) -> NextTier | None:
    """The fewest one-level moves that lift the overall score into the next tier (the same
    indicator may move several times, up to level 4); None at the top tier or when even every
    answered indicator at level 4 would not reach it."""
    if card.overall is None or card.overall_tier is None:
        return None
    target_tier = _next_tier_name(card.overall_tier)
    if target_tier is None:
        return None
    threshold = spec.tier_advanced if target_tier == TIER_ADVANCED else spec.tier_intermediate
    levels = dict(values)
    chosen: list[Move] = []
    expected = overall = card.overall
    # Greedy by gain: each indicator's gain is the same at every level (see the module docstring).
    # The sum of gains says when the threshold should be reached; the re-score confirms it exactly.
    for move in moves:
        for level in range(move.from_level, MAX_LEVEL):
            levels[move.indicator] = level + 1
            chosen.append(Move(indicator=move.indicator, from_level=level, to_level=level + 1,
                               overall_gain=move.overall_gain))
            expected += move.overall_gain
            if expected >= threshold - 1e-6:
                overall = score_answers(spec=spec, answers=levels).overall or 0.0
                if overall >= threshold - BOUNDARY_TOLERANCE:
                    return NextTier(tier=target_tier, moves=tuple(chosen), overall=overall)
    return None
