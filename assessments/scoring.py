"""Scoring: answers → per-indicator, sub-dimension, dimension and overall scores and tiers.

Pure functions, no I/O. The rules (../shared/BRIEF.md, issue 2):
- indicator score = level / 4 × 100;
- "na" and unanswered indicators drop out and the remaining weights are re-normalised;
- sub-dimension and dimension score = weighted mean of their answered indicators' scores;
- overall = weighted mean of the dimension scores that exist, by dimension weight; a dimension
  without an applicable answer is None, never 0, and is left out of the overall;
- tier from the framework thresholds, the boundary value belonging to the higher tier;
- completion = answered (including "na") / all indicators.

`score_answers` scores one assessment in plain Python; `score_batch` scores many at once with
pandas and gives the same numbers.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from frameworks.enums import Tier
from frameworks.spec import FrameworkSpec

AnswerValue = int | Literal["na"] | None
NOT_APPLICABLE: Final = "na"
MAX_LEVEL = 4
TIER_ADVANCED = Tier.ADVANCED.value
TIER_INTERMEDIATE = Tier.INTERMEDIATE.value
TIER_BASIC = Tier.BASIC.value

# Weighted means of floats can land a hair below a threshold they equal exactly
# (e.g. 69.99999999999999 for 70): within this tolerance the value counts as on the boundary.
BOUNDARY_TOLERANCE = 1e-9


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
    for dimension in spec.dimensions:
        dimension_pairs = []
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
            subdimension_scores.append((subdimension.code, _weighted_mean(pairs)))
            dimension_pairs.extend(pairs)
        score = _weighted_mean(dimension_pairs)
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


def _indicator_table(spec: FrameworkSpec) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator": indicator.code,
                "subdimension": sub.code,
                "dimension": dim.code,
                "weight": indicator.weight,
            }
            for dim in spec.dimensions
            for sub in dim.subdimensions
            for indicator in sub.indicators
        ]
    )


_TIER_NAMES = np.array([None, TIER_BASIC, TIER_INTERMEDIATE, TIER_ADVANCED], dtype=object)


def _tiers(scores: pd.Series, spec: FrameworkSpec) -> pd.Series:
    values = scores.to_numpy(dtype=float)
    # 0 no score (NaN compares False), 1 basic, 2 intermediate, 3 advanced; the names taken by
    # position (np.select on the name strings took 4× longer, docs/benchmarks.md).
    codes = np.where(values >= spec.tier_advanced - BOUNDARY_TOLERANCE, 3,
                     np.where(values >= spec.tier_intermediate - BOUNDARY_TOLERANCE, 2,
                              np.where(np.isnan(values), 0, 1)))
    return pd.Series(_TIER_NAMES[codes], index=scores.index, dtype=object)


def _grouped_mean(rows: np.ndarray, groups: np.ndarray, weight: np.ndarray, weighted: np.ndarray,
                  index: pd.Index, codes: list[str]) -> pd.DataFrame:
    """Weighted mean of indicator scores per (assessment, group), wide: one column per code.
    `rows` and `groups` are integer positions (assessment in `index`, group in `codes`) of each
    scored answer; np.bincount sums each cell, NaN where a cell has no scored answer."""
    width = len(codes)
    cells = rows * width + groups
    size = len(index) * width
    sums = np.bincount(cells, weights=weighted, minlength=size).reshape(len(index), width)
    weights = np.bincount(cells, weights=weight, minlength=size).reshape(len(index), width)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(weights > 0, sums / weights, np.nan).clip(0, 100)
    return pd.DataFrame(means, index=index, columns=codes)


def score_batch(*, spec: FrameworkSpec, answers: pd.DataFrame) -> pd.DataFrame:
    """Score many assessments at once, vectorised.

    `answers` has one row per given answer with columns `assessment`, `indicator`, `level`
    (0–4, NaN when "not applicable") and `not_applicable` (bool). Unanswered indicators have no
    row. Returns one row per assessment (indexed by it) with `completion`, `overall`,
    `overall_tier`, one column per dimension code and `<code>_tier`, and one per sub-dimension code;
    missing scores are NaN. Validation is the caller's: the batch path trusts its input.
    """
    # Integer codes instead of merging and grouping on the code strings (6× faster on 100,000
    # assessments, docs/benchmarks.md): each answer's indicator position in the framework (-1 for
    # codes it does not have, which drop out) and its assessment's position in the result.
    indicators = _indicator_table(spec)
    position = pd.Index(indicators["indicator"]).get_indexer(answers["indicator"])
    rows, assessments = pd.factorize(answers["assessment"])
    assessments = pd.Index(assessments, name="assessment")
    level = answers["level"].astype(float).to_numpy()
    not_applicable = answers["not_applicable"].astype(bool).to_numpy()
    given = (position >= 0) & (~np.isnan(level) | not_applicable)
    completion = np.bincount(rows[given], minlength=len(assessments)) / len(indicators)

    scored = given & ~not_applicable
    rows, position = rows[scored], position[scored]
    weight = indicators["weight"].to_numpy(dtype=float)[position]
    weighted = weight * level[scored] / MAX_LEVEL * 100
    dimension_codes = [dim.code for dim in spec.dimensions]
    subdimension_codes = [sub.code for dim in spec.dimensions for sub in dim.subdimensions]
    dimension_of = pd.Index(dimension_codes).get_indexer(indicators["dimension"])[position]
    subdimension_of = pd.Index(subdimension_codes).get_indexer(indicators["subdimension"])[position]
    by_dimension = _grouped_mean(rows, dimension_of, weight, weighted, assessments, dimension_codes)
    by_subdimension = _grouped_mean(rows, subdimension_of, weight, weighted, assessments, subdimension_codes)

    dimension_weights = pd.Series({dim.code: dim.weight for dim in spec.dimensions})
    present_weights = by_dimension.notna().mul(dimension_weights, axis="columns")
    weight_total = present_weights.sum(axis="columns")
    overall = by_dimension.fillna(0).mul(dimension_weights, axis="columns").sum(axis="columns")
    overall = (overall / weight_total).where(weight_total > 0).clip(0, 100)

    result = pd.DataFrame({"completion": completion, "overall": overall}, index=assessments)
    result["overall_tier"] = _tiers(result["overall"], spec)
    for code in dimension_codes:
        result[code] = by_dimension[code]
        result[f"{code}_tier"] = _tiers(by_dimension[code], spec)
    return pd.concat([result, by_subdimension], axis="columns")
