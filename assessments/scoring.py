"""Scoring: answers → per-indicator, sub-dimension, dimension and overall scores and tiers.

Pure functions, no I/O. The rules (../shared/BRIEF.md, issue 2):
- indicator score = level / 4 × 100;
- "na" and unanswered indicators drop out and the remaining weights are re-normalised;
- sub-dimension score = weighted mean of its answered indicators' scores;
- dimension score, by the version's aggregation: version 1 ("indicators") the weighted mean of
  its answered indicators' scores; version 2 ("subdimensions") the weighted mean of its
  sub-dimension scores by sub-dimension weight, a sub-dimension without an applicable answer
  dropping out and the others re-normalised;
- overall = weighted mean of the dimension scores that exist, by dimension weight; a dimension
  without an applicable answer is None, never 0, and is left out of the overall;
- tier from the framework thresholds, the boundary value belonging to the higher tier;
- completion = answered (including "na") / all indicators.

`score_answers` scores one assessment in plain Python; `score_batch` scores many at once (NumPy
matrix products, `assessments.batch_scores`) and gives the same numbers.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

from assessments.batch_scores import BOUNDARY_TOLERANCE, answer_matrix, score_matrix
from frameworks.enums import Tier
from frameworks.spec import AGGREGATE_SUBDIMENSIONS, DimensionSpec, FrameworkSpec

AnswerValue = int | Literal["na"] | None
NOT_APPLICABLE: Final = "na"
MAX_LEVEL = 4
TIER_ADVANCED = Tier.ADVANCED.value
TIER_INTERMEDIATE = Tier.INTERMEDIATE.value
TIER_BASIC = Tier.BASIC.value



def indicator_score(level: int) -> float:
    return level / MAX_LEVEL * 100


def tier_for(score: float | None, *, advanced: float, intermediate: float) -> str | None:
    if score is None:
        return None
    if score >= advanced - BOUNDARY_TOLERANCE:
        return TIER_ADVANCED
    if score >= intermediate - BOUNDARY_TOLERANCE:
        return TIER_INTERMEDIATE
    return TIER_BASIC


@dataclass(frozen=True, slots=True)
class DimensionScore:
    code: str
    score: float | None
    tier: str | None
    subdimensions: tuple[tuple[str, float | None], ...]

    def subdimension_scores(self) -> dict[str, float | None]:
        return dict(self.subdimensions)


@dataclass(frozen=True, slots=True)
class ScoreCard:
    framework: str
    version: int
    answered: int
    total: int
    overall: float | None
    overall_tier: str | None
    dimensions: tuple[DimensionScore, ...]
    tier_advanced: float
    tier_intermediate: float

    @property
    def completion(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def is_complete(self) -> bool:
        return self.answered == self.total

    def dimension(self, code: str) -> DimensionScore:
        return next(dim for dim in self.dimensions if dim.code == code)

    def subdimension_scores(self) -> dict[str, float | None]:
        return {code: score for dim in self.dimensions for code, score in dim.subdimensions}

    def subdimension_tier(self, code: str) -> str | None:
        return tier_for(
            self.subdimension_scores()[code],
            advanced=self.tier_advanced,
            intermediate=self.tier_intermediate,
        )

    def as_dict(self) -> dict:
        return {
            "framework": self.framework,
            "version": self.version,
            "completion": self.completion,
            "overall": {"score": self.overall, "tier": self.overall_tier},
            "dimensions": {
                dim.code: {
                    "score": dim.score,
                    "tier": dim.tier,
                    "subdimensions": dict(dim.subdimensions),
                }
                for dim in self.dimensions
            },
        }


def _weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    """Mean of (weight, value) pairs, or None when there are none."""
    if not pairs:
        return None
    total_weight = math.fsum(weight for weight, _ in pairs)
    mean = math.fsum(weight * value for weight, value in pairs) / total_weight
    # A weighted mean lies between its smallest and largest value; clamping removes the float
    # error that could otherwise give 100.00000000000001 for an all-"Leading" dimension.
    values = [value for _, value in pairs]
    return min(max(mean, min(values)), max(values))


def _check_value(code: str, value: AnswerValue, *, allows_na: bool) -> None:
    if value is None:
        return
    if value == NOT_APPLICABLE:
        if not allows_na:
            raise ValueError(f"{code}: “not applicable” is not allowed for this indicator")
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LEVEL:
        raise ValueError(f"{code}: level must be an integer 0–4 or 'na', got {value!r}")


def score_answers(*, spec: FrameworkSpec, answers: Mapping[str, AnswerValue]) -> ScoreCard:
    """Score one assessment. `answers` maps indicator codes to 0–4, "na" or None (unanswered);
    codes the framework does not have are ignored (answers carried over from another version)."""
    thresholds = {"advanced": spec.tier_advanced, "intermediate": spec.tier_intermediate}
    answered = 0
    dimension_scores = []
    overall_pairs = []
    by_subdimension = spec.aggregation == AGGREGATE_SUBDIMENSIONS
    for dimension in spec.dimensions:
        dimension_pairs = []
        subdimension_pairs = []
        subdimension_scores = []
        for subdimension in dimension.subdimensions:
            pairs = []
            for indicator in subdimension.indicators:
                value = answers.get(indicator.code)
                _check_value(indicator.code, value, allows_na=indicator.allows_na)
                if value is None:
                    continue
                answered += 1
                if value != NOT_APPLICABLE:
                    pairs.append((indicator.weight, indicator_score(value)))
            sub_score = _weighted_mean(pairs)
            subdimension_scores.append((subdimension.code, sub_score))
            if sub_score is not None:
                subdimension_pairs.append((subdimension.weight, sub_score))
            dimension_pairs.extend(pairs)
        score = _weighted_mean(subdimension_pairs if by_subdimension else dimension_pairs)
        if score is not None:
            overall_pairs.append((dimension.weight, score))
        dimension_scores.append(
            DimensionScore(
                code=dimension.code,
                score=score,
                tier=tier_for(score, **thresholds),
                subdimensions=tuple(subdimension_scores),
            )
        )
    overall = _weighted_mean(overall_pairs)
    return ScoreCard(
        framework=spec.code,
        version=spec.version,
        answered=answered,
        total=len(spec.indicators),
        overall=overall,
        overall_tier=tier_for(overall, **thresholds),
        dimensions=tuple(dimension_scores),
        tier_advanced=spec.tier_advanced,
        tier_intermediate=spec.tier_intermediate,
    )


NA_SHARE_FLAG = 1 / 3  # a dimension that lost more than this share of its weight to N/A is marked


def na_shares(*, spec: FrameworkSpec, answers: Mapping[str, AnswerValue]) -> dict[str, float]:
    """Per dimension, the share of its weight that "not applicable" answers removed (0–1): by the
    version's aggregation, each N/A indicator's part of the dimension (its weight among the
    dimension's indicators; in version 2 its weight within its sub-dimension times the
    sub-dimension's share of the dimension)."""
    return {dimension.code: _na_share(dimension, answers, spec.aggregation) for dimension in spec.dimensions}


def _na_share(dimension: DimensionSpec, answers: Mapping[str, AnswerValue], aggregation: str) -> float:
    def removed(indicators) -> float:
        na_weight = math.fsum(ind.weight for ind in indicators if answers.get(ind.code) == NOT_APPLICABLE)
        return na_weight / math.fsum(ind.weight for ind in indicators)

    if aggregation == AGGREGATE_SUBDIMENSIONS:
        total = math.fsum(sub.weight for sub in dimension.subdimensions)
        return math.fsum(sub.weight / total * removed(sub.indicators) for sub in dimension.subdimensions)
    return removed(dimension.indicators)


def score_batch(*, spec: FrameworkSpec, answers: pd.DataFrame) -> pd.DataFrame:
    """Score many assessments at once, vectorised.

    `answers` has one row per given answer with columns `assessment`, `indicator` (code), `level`
    (0–4, NaN when "not applicable") and `not_applicable` (bool). Unanswered indicators have no
    row. Returns one row per assessment (indexed by it) with `completion`, `overall`,
    `overall_tier`, one column per dimension code and `<code>_tier`, and one per sub-dimension code;
    missing scores are NaN. Validation is the caller's: the batch path trusts its input.
    The dense matrix and its products: `assessments.batch_scores` (callers holding indicator ids use
    `score_rows` there, with no code strings to look up).
    """
    position = pd.Index([ind.code for ind in spec.indicators]).get_indexer(answers["indicator"])
    ids, levels, answered = answer_matrix(
        width=len(spec.indicators), assessment=answers["assessment"].to_numpy(), position=position,
        level=answers["level"].astype(float).to_numpy(),
        not_applicable=answers["not_applicable"].astype(bool).to_numpy())
    return score_matrix(spec=spec, levels=levels, answered=answered, assessments=ids).frame()
