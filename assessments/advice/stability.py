"""How sure the tier is: the share of weight variations that keep the region's tiers.

Weights are judgements. Each draw multiplies every dimension, sub-dimension and indicator weight by
its own uniform(0.8, 1.2) factor and re-scores the assessment (vectorised with NumPy: all draws at
once); the figure is the share of draws whose overall tier (and each dimension's tier) equals the
region's own. The generator is seeded with a hash of the assessment's state (framework version and
answers), so the same state always gives the same figure. Supports both aggregations: dimension =
weighted mean of its indicators ("indicators", version 1) or of its sub-dimension scores by
sub-dimension weight ("subdimensions").

`cached_stability` (and `cached_moves`, the one-level moves) keep the result per state in the shared
cache (CACHES["default"]) and per worker, so a repeated results page neither recomputes them nor
pays a query for them.
"""

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import numpy as np
from django.core.cache import caches

from assessments.scoring import BOUNDARY_TOLERANCE, TIER_ADVANCED, TIER_BASIC, AnswerValue, ScoreCard
from frameworks.spec import FrameworkSpec

DRAWS = 2000
SPREAD = 0.2  # each weight × uniform(1 − SPREAD, 1 + SPREAD)
CACHE_PREFIX = "advice-stability:v1:"
CACHE_SECONDS = 60 * 60 * 24 * 30
_KEPT: OrderedDict[str, object] = OrderedDict()
MAX_KEPT = 256


@dataclass(frozen=True, slots=True)
class Stability:
    overall: float | None  # share of draws with the same overall tier (None: no overall score)
    dimensions: dict[str, float | None]  # per dimension code, in questionnaire order
    points_up: float | None  # points to the next tier up (None at the top tier)
    points_down: float | None  # points above the current tier's lower threshold (None when basic)
    draws: int


def aggregation_of(spec: FrameworkSpec) -> str:
    return getattr(spec, "aggregation", "indicators")


def state_digest(*, spec: FrameworkSpec, values: Mapping[str, AnswerValue]) -> str:
    """A hash of the assessment's state: the framework version and its structure, and the answers."""
    structure = [aggregation_of(spec), spec.tier_advanced, spec.tier_intermediate, [
        [dim.code, dim.weight, [[sub.code, getattr(sub, "weight", 1.0), [[ind.code, ind.weight]
                                                                         for ind in sub.indicators]]
                                for sub in dim.subdimensions]] for dim in spec.dimensions]]
    answers = sorted((code, value) for code, value in values.items() if value is not None)
    state = json.dumps([spec.code, spec.version, structure, answers], ensure_ascii=False, default=str)
    return hashlib.sha256(state.encode()).hexdigest()


def _tier_codes(scores: np.ndarray, spec: FrameworkSpec) -> np.ndarray:
    """0 no score, 1 basic, 2 intermediate, 3 advanced (as assessments.scoring.tier_for)."""
    return np.where(scores >= spec.tier_advanced - BOUNDARY_TOLERANCE, 3,
                    np.where(scores >= spec.tier_intermediate - BOUNDARY_TOLERANCE, 2,
                             np.where(np.isnan(scores), 0, 1)))


_TIER_CODE = {None: 0, TIER_BASIC: 1, "intermediate": 2, TIER_ADVANCED: 3}


def _weighted_means(weights: np.ndarray, values: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Per draw and group: Σ weight·value / Σ weight over the members (columns) given; `values` is
    one row for every draw or one per draw. A group without a member is NaN."""
    totals = weights @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, ((weights * values) @ membership) / np.where(totals > 0, totals, 1), np.nan)


def tier_stability(*, spec: FrameworkSpec, values: Mapping[str, AnswerValue], card: ScoreCard,
                   draws: int = DRAWS, seed: int | None = None) -> Stability:
    """The Monte Carlo figure for one assessment (pure: the seed defaults to its state's hash).
    Only scored indicators (answered, applicable) take part; which sub-dimensions and dimensions
    have a score does not depend on the weights, so each level is one matrix product."""
    if seed is None:
        seed = int(state_digest(spec=spec, values=values)[:16], 16)
    rng = np.random.default_rng(seed)
    subdimensions = [(sub, d) for d, dim in enumerate(spec.dimensions) for sub in dim.subdimensions]
    scored = [(ind, s, d) for s, (sub, d) in enumerate(subdimensions) for ind in sub.indicators
              if isinstance(values.get(ind.code), int) and not isinstance(values.get(ind.code), bool)]
    n_ind, n_sub, n_dim = len(scored), len(subdimensions), len(spec.dimensions)
    scores = np.array([float(cast(int, values[ind.code])) / 4 * 100 for ind, _, _ in scored], dtype=float)
    sub_of = np.array([s for _, s, _ in scored], dtype=int)
    dim_of = np.array([d for _, _, d in scored], dtype=int)
    ind_to_sub = np.zeros((n_ind, n_sub))
    ind_to_sub[np.arange(n_ind), sub_of] = 1
    ind_to_dim = np.zeros((n_ind, n_dim))
    ind_to_dim[np.arange(n_ind), dim_of] = 1
    sub_to_dim = np.zeros((n_sub, n_dim))
    sub_to_dim[np.arange(n_sub), [d for _, d in subdimensions]] = 1
    base = np.concatenate([[ind.weight for ind, _, _ in scored],
                           [getattr(sub, "weight", 1.0) for sub, _ in subdimensions],
                           [dim.weight for dim in spec.dimensions]])
    weights = base * rng.uniform(1 - SPREAD, 1 + SPREAD, size=(draws, base.size))
    ind_weights, sub_weights, dim_weights = np.split(weights, [n_ind, n_ind + n_sub], axis=1)
    if aggregation_of(spec) == "subdimensions":
        by_sub = _weighted_means(ind_weights, scores, ind_to_sub)
        has_score = ~np.isnan(by_sub[0])
        by_dim = _weighted_means(sub_weights * has_score, np.nan_to_num(by_sub), sub_to_dim)
    else:
        by_dim = _weighted_means(ind_weights, scores, ind_to_dim)
    has_score = ~np.isnan(by_dim[0]) if draws else np.zeros(n_dim, dtype=bool)
    overall = _weighted_means(dim_weights * has_score, np.nan_to_num(by_dim), np.ones((n_dim, 1)))[:, 0]

    def share(drawn: np.ndarray, tier: str | None) -> float | None:
        if tier is None:
            return None
        return float(np.mean(_tier_codes(drawn, spec) == _TIER_CODE[tier]))

    return Stability(
        overall=share(overall, card.overall_tier),
        dimensions={dim.code: share(by_dim[:, d], card.dimension(dim.code).tier)
                    for d, dim in enumerate(spec.dimensions)},
        points_up=_points_up(card, spec), points_down=_points_down(card, spec), draws=draws,
    )


def _points_up(card: ScoreCard, spec: FrameworkSpec) -> float | None:
    if card.overall is None or card.overall_tier == TIER_ADVANCED:
        return None
    threshold = spec.tier_advanced if card.overall_tier == "intermediate" else spec.tier_intermediate
    return max(threshold - card.overall, 0.0)


def _points_down(card: ScoreCard, spec: FrameworkSpec) -> float | None:
    if card.overall is None or card.overall_tier == TIER_BASIC:
        return None
    threshold = spec.tier_advanced if card.overall_tier == TIER_ADVANCED else spec.tier_intermediate
    return max(card.overall - threshold, 0.0)


def cached_stability(*, spec: FrameworkSpec, values: Mapping[str, AnswerValue], card: ScoreCard) -> Stability:
    """tier_stability, kept per state in this worker and in the shared cache."""
    digest = state_digest(spec=spec, values=values)
    if digest in _KEPT:
        _KEPT.move_to_end(digest)
        return cast(Stability, _KEPT[digest])
    cache = caches["default"]
    stored = cache.get(CACHE_PREFIX + digest)
    stability = Stability(**stored) if isinstance(stored, dict) else None
    if stability is None:
        stability = tier_stability(spec=spec, values=values, card=card, seed=int(digest[:16], 16))
        cache.set(CACHE_PREFIX + digest, {
            "overall": stability.overall, "dimensions": stability.dimensions, "points_up": stability.points_up,
            "points_down": stability.points_down, "draws": stability.draws}, timeout=CACHE_SECONDS)
    _KEPT[digest] = stability
    if len(_KEPT) > MAX_KEPT:
        _KEPT.popitem(last=False)
    return stability


def cached_moves(*, spec: FrameworkSpec, values: Mapping[str, AnswerValue], card: ScoreCard,
                 shared: bool = True) -> tuple:
    """`moves.one_level_moves` (one re-score per indicator), kept per state like the stability
    (`shared=False`: in this worker only, for pages that must not add cache queries)."""
    from assessments.advice.moves import Move, one_level_moves

    digest = "moves:" + state_digest(spec=spec, values=values)
    if digest in _KEPT:
        _KEPT.move_to_end(digest)
        return cast(tuple, _KEPT[digest])
    cache = caches["default"]
    stored = cache.get(CACHE_PREFIX + digest) if shared else None
    if isinstance(stored, list):
        moves = tuple(Move(*row) for row in stored)
    else:
        moves = one_level_moves(spec=spec, values=values, card=card)
    if shared and not isinstance(stored, list):
        cache.set(CACHE_PREFIX + digest, [[m.indicator, m.from_level, m.to_level, m.overall_gain] for m in moves],
                  timeout=CACHE_SECONDS)
    _KEPT[digest] = moves
    if len(_KEPT) > MAX_KEPT:
        _KEPT.popitem(last=False)
    return moves


def forget_kept() -> None:
    """Drop the per-worker copies (tests)."""
    _KEPT.clear()
