"""Scoring many assessments at once with NumPy, columnar: the answers as a dense matrix (one row per
assessment, one column per indicator in the framework's order), the scores as matrix products.

The rules are those of `assessments.scoring.score_answers` (N/A and unanswered drop out and the
remaining weights are re-normalised, means within 0–100, version 1 or 2 aggregation, tiers with the
boundary tolerance), and so are the numbers: to 1e-9 (sums in another order), the tiers equal
(tests/test_batch_scoring.py, tests/test_scoring_properties.py). The per-assessment ScoreCard stays
the unit of pages and reports; `BatchScores.cards` builds them from the arrays.

Entry points, by what the caller has:
- `score_matrix`: the dense matrix itself (the benchmark's floor starts there too);
- `score_rows`: one row per stored answer, as the database gives it (assessment id, indicator id,
  level, N/A), integers only: what `assessments.queries.batch_scorecards` reads;
- `assessments.scoring.score_batch`: the same rows with indicator codes, as a pandas frame (its
  callers and columns unchanged).
Pure functions, no I/O."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from frameworks.enums import Tier
from frameworks.spec import AGGREGATE_SUBDIMENSIONS, FrameworkSpec

MAX_LEVEL = 4
# Weighted means of floats can land a hair below a threshold they equal exactly
# (e.g. 69.99999999999999 for 70): within this tolerance the value counts as on the boundary.
BOUNDARY_TOLERANCE = 1e-9
TIER_CODES = (None, Tier.BASIC.value, Tier.INTERMEDIATE.value, Tier.ADVANCED.value)  # 0 no score, 1 basic, …


@dataclass(frozen=True, slots=True)
class BatchScores:
    """Scores of many assessments of one framework version, one row each: `assessments` (ids),
    `answered` (count, N/A included), `overall`, `dimensions` (n × dimensions, in the spec's order),
    `subdimensions` (n × sub-dimensions). NaN where a score does not exist."""

    spec: FrameworkSpec
    assessments: np.ndarray
    answered: np.ndarray
    overall: np.ndarray
    dimensions: np.ndarray
    subdimensions: np.ndarray

    def __len__(self) -> int:
        return len(self.assessments)

    @property
    def completion(self) -> np.ndarray:
        total = len(self.spec.indicators)
        return self.answered / total if total else np.zeros(len(self.answered))

    def tier_codes(self, scores: np.ndarray) -> np.ndarray:
        """0 no score (NaN), 1 basic, 2 intermediate, 3 advanced."""
        return np.where(scores >= self.spec.tier_advanced - BOUNDARY_TOLERANCE, 3,
                        np.where(scores >= self.spec.tier_intermediate - BOUNDARY_TOLERANCE, 2,
                                 np.where(np.isnan(scores), 0, 1)))

    def cards(self) -> dict:
        """{assessment id: ScoreCard}, built from plain lists (no per-cell NumPy access)."""
        from assessments.scoring import DimensionScore, ScoreCard

        spec = self.spec
        total = len(spec.indicators)
        dim_codes = [dim.code for dim in spec.dimensions]
        sub_codes = [[sub.code for sub in dim.subdimensions] for dim in spec.dimensions]
        starts = np.cumsum([0] + [len(codes) for codes in sub_codes])
        overall_tiers = self.tier_codes(self.overall).tolist()
        dim_tiers = self.tier_codes(self.dimensions).tolist()
        cards = {}
        for row, (assessment, answered, overall, dims, subs) in enumerate(zip(
                self.assessments.tolist(), self.answered.tolist(), _nullable(self.overall),
                _nullable(self.dimensions), _nullable(self.subdimensions), strict=True)):
            cards[assessment] = ScoreCard(
                framework=spec.code, version=spec.version, answered=answered, total=total,
                overall=overall, overall_tier=TIER_CODES[overall_tiers[row]],
                dimensions=tuple(
                    DimensionScore(code=code, score=dims[d], tier=TIER_CODES[dim_tiers[row][d]],
                                   subdimensions=tuple(zip(sub_codes[d], subs[starts[d]:starts[d + 1]], strict=True)))
                    for d, code in enumerate(dim_codes)),
                tier_advanced=spec.tier_advanced, tier_intermediate=spec.tier_intermediate)
        return cards

    def frame(self) -> pd.DataFrame:
        """The columns of `score_batch`: completion, overall, overall_tier, each dimension and its
        `<code>_tier`, each sub-dimension; indexed by `assessment`."""
        index = pd.Index(self.assessments, name="assessment")
        names = np.array(TIER_CODES, dtype=object)

        def tier_column(codes: np.ndarray) -> pd.Series:  # object, None where no score (not a string dtype)
            return pd.Series(names[codes], index=index, dtype=object)

        columns: dict[str, object] = {"completion": self.completion, "overall": self.overall,
                                      "overall_tier": tier_column(self.tier_codes(self.overall))}
        tiers = self.tier_codes(self.dimensions)
        for d, dim in enumerate(self.spec.dimensions):
            columns[dim.code] = self.dimensions[:, d]
            columns[f"{dim.code}_tier"] = tier_column(tiers[:, d])
        codes = [sub.code for dim in self.spec.dimensions for sub in dim.subdimensions]
        for s, code in enumerate(codes):
            columns[code] = self.subdimensions[:, s]
        return pd.DataFrame(columns, index=index)


def _nullable(values: np.ndarray) -> list:
    """`values.tolist()` with None for NaN."""
    cells = values.astype(object)
    cells[np.isnan(values)] = None
    return cells.tolist()


def _membership(sizes: Sequence[int], weights: np.ndarray) -> np.ndarray:
    """columns × groups: each column's weight in the column of its group (groups of consecutive
    columns, `sizes` columns each)."""
    matrix = np.zeros((len(weights), len(sizes)))
    matrix[np.arange(len(weights)), np.repeat(np.arange(len(sizes)), sizes)] = weights
    return matrix


def _mean(totals: np.ndarray, weight_totals: np.ndarray) -> np.ndarray:
    """Weighted means from their sums, NaN where nothing was scored; within 0–100 (the float error
    of a sum can otherwise give 100.00000000000001 for an all-"Leading" group)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_totals > 0, totals / weight_totals, np.nan).clip(0, 100)


def _mean_of_present(values: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Weighted means of the values that exist (not NaN), by the membership's weights."""
    present = ~np.isnan(values)
    return _mean(np.where(present, values, 0.0) @ membership, present.astype(float) @ membership)


def score_matrix(*, spec: FrameworkSpec, levels: np.ndarray, answered: np.ndarray,
                 assessments: np.ndarray | None = None) -> BatchScores:
    """Score the dense answer matrix: `levels` n × indicators (the spec's order), 0–4, NaN where
    not applicable or unanswered; `answered` the same shape, True where answered (N/A included).
    `assessments`: the row ids (default 0…n-1). Validation is the caller's.

    Two products with the answer matrix: the weighted sums of the indicator scores per sub-dimension
    and their weights (the ×25 of a level's score folded into the weights); version 1 dimensions add
    up their sub-dimensions' sums, version 2 dimensions and the overall score are means of means."""
    levels = np.asarray(levels, dtype=float)
    weights = np.array([ind.weight for ind in spec.indicators], dtype=float)
    sub_sizes = [len(sub.indicators) for dim in spec.dimensions for sub in dim.subdimensions]
    dim_sizes = [len(dim.subdimensions) for dim in spec.dimensions]
    by_subdimension = _membership(sub_sizes, weights)
    present = ~np.isnan(levels)
    sub_totals = np.where(present, levels, 0.0) @ (by_subdimension * (100 / MAX_LEVEL))
    sub_weights = present.astype(float) @ by_subdimension  # BLAS (a bool operand is not)
    subdimensions = _mean(sub_totals, sub_weights)
    if spec.aggregation == AGGREGATE_SUBDIMENSIONS:
        sub_weight = np.array([sub.weight for dim in spec.dimensions for sub in dim.subdimensions], dtype=float)
        dimensions = _mean_of_present(subdimensions, _membership(dim_sizes, sub_weight))
    else:
        sum_up = _membership(dim_sizes, np.ones(len(sub_sizes)))
        dimensions = _mean(sub_totals @ sum_up, sub_weights @ sum_up)
    dim_weights = np.array([[dim.weight] for dim in spec.dimensions], dtype=float)
    overall = _mean_of_present(dimensions, dim_weights)[:, 0]
    ids = np.arange(len(levels)) if assessments is None else np.asarray(assessments)
    return BatchScores(spec=spec, assessments=ids, answered=np.count_nonzero(answered, axis=1),
                       overall=overall, dimensions=dimensions, subdimensions=subdimensions)


def answer_matrix(*, width: int, assessment: np.ndarray, position: np.ndarray, level: np.ndarray,
                  not_applicable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of stored answers → (assessment ids, levels, answered) for `score_matrix`. `position`:
    each row's indicator column (-1 for an indicator the framework does not have: dropped); `level`
    float, NaN when none. A row with neither a level nor N/A (evidence only) is not an answer, but its
    assessment still gets a row. Rows sorted by assessment (as the database query orders them) are
    grouped in one pass; otherwise in the order each assessment first appears."""
    assessment = np.asarray(assessment)
    if len(assessment) > 1 and bool((assessment[1:] >= assessment[:-1]).all()):
        change = np.empty(len(assessment), dtype=bool)
        change[0] = True
        np.not_equal(assessment[1:], assessment[:-1], out=change[1:])
        rows = np.cumsum(change, dtype=np.int32) - 1
        ids = assessment[change]
    else:
        rows, ids = pd.factorize(assessment)
        ids = np.asarray(ids)
    index: type[np.signedinteger] = np.int32 if len(ids) * width < 2**31 else np.int64
    level = np.asarray(level, dtype=float)
    not_applicable = np.asarray(not_applicable, dtype=bool)
    cells = np.asarray(rows, dtype=index) * width + np.asarray(position, dtype=index)
    if not (position >= 0).all():  # answers of another version's indicators drop out
        known = position >= 0
        cells, level, not_applicable = cells[known], level[known], not_applicable[known]
    levels = np.full(len(ids) * width, np.nan)
    levels[cells] = level
    # N/A: answered, without a level (a few percent of the rows: set after the one pass over all)
    not_applicable_cells = cells[not_applicable] if not_applicable.any() else cells[:0]
    levels[not_applicable_cells] = np.nan
    answered = ~np.isnan(levels)
    answered[not_applicable_cells] = True
    return ids, levels.reshape(len(ids), width), answered.reshape(len(ids), width)


def score_rows(*, spec: FrameworkSpec, indicator_ids: Sequence[int], assessment: np.ndarray,
               indicator: np.ndarray, level: np.ndarray, not_applicable: np.ndarray) -> BatchScores:
    """Score stored answers given as integer columns: `indicator` holds indicator ids, and
    `indicator_ids` the framework's ids in the spec's order (ids of other versions drop out)."""
    indicator = np.asarray(indicator, dtype=np.int64)
    known_ids = np.asarray(indicator_ids, dtype=np.int64)
    # ids are primary keys (≥ 1): a table from id to column, -1 for ids of other versions
    lookup = np.full(int(max(known_ids.max(initial=0), indicator.max(initial=0))) + 1, -1, dtype=np.int32)
    lookup[known_ids] = np.arange(len(known_ids))
    position = lookup[indicator]
    ids, levels, answered = answer_matrix(width=len(spec.indicators), assessment=assessment, position=position,
                                          level=level, not_applicable=not_applicable)
    return score_matrix(spec=spec, levels=levels, answered=answered, assessments=ids)
