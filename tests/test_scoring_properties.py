"""Scoring properties (hypothesis): bounded, monotone, and the batch path equals the single path,
for both aggregations (version 1 by indicators, version 2 by sub-dimensions)."""

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.batch_scores import score_rows
from assessments.scoring import score_answers, score_batch
from frameworks.spec import DimensionSpec, FrameworkSpec, IndicatorSpec, SubDimensionSpec

weights = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 0.1])


@st.composite
def specs(draw) -> FrameworkSpec:
    dimensions = []
    for dim_number in range(draw(st.integers(1, 4))):
        subdimensions = []
        for sub_number in range(draw(st.integers(1, 3))):
            sub_code = f"D{dim_number}S{sub_number}"
            indicators = tuple(
                IndicatorSpec(code=f"{sub_code}.{n}", weight=draw(weights),
                              allows_na=draw(st.booleans()))
                for n in range(draw(st.integers(1, 4)))
            )
            subdimensions.append(SubDimensionSpec(code=sub_code, indicators=indicators, weight=draw(weights)))
        dimensions.append(DimensionSpec(code=f"D{dim_number}", weight=draw(weights),
                                        subdimensions=tuple(subdimensions)))
    intermediate = draw(st.integers(1, 60))
    advanced = draw(st.integers(intermediate + 1, 100))
    aggregation = draw(st.sampled_from(["indicators", "subdimensions"]))
    return FrameworkSpec(code="p", version=1 if aggregation == "indicators" else 2, tier_advanced=advanced,
                         tier_intermediate=intermediate, dimensions=tuple(dimensions), aggregation=aggregation)


@st.composite
def spec_and_answers(draw):
    spec = draw(specs())
    answers = {}
    for indicator in spec.indicators:
        choices = [None, 0, 1, 2, 3, 4] + (["na"] if indicator.allows_na else [])
        answers[indicator.code] = draw(st.sampled_from(choices))
    return spec, answers


def all_scores(card):
    yield card.overall
    for dimension in card.dimensions:
        yield dimension.score
        for _, score in dimension.subdimensions:
            yield score


@given(spec_and_answers())
def test_scores_stay_within_0_and_100(case):
    spec, answers = case
    card = score_answers(spec=spec, answers=answers)
    assert all(0 <= score <= 100 for score in all_scores(card) if score is not None)
    assert 0 <= card.completion <= 1


@given(spec_and_answers(), st.data())
def test_raising_one_level_never_lowers_any_score(case, data):
    spec, answers = case
    raisable = [code for code, value in answers.items() if isinstance(value, int) and value < 4]
    if not raisable:
        return
    code = data.draw(st.sampled_from(raisable))
    before = score_answers(spec=spec, answers=answers)
    after = score_answers(spec=spec, answers={**answers, code: answers[code] + 1})
    for old, new in zip(all_scores(before), all_scores(after), strict=True):
        assert (old is None) == (new is None)
        if old is not None:
            assert new >= old - 1e-9


def _frame(batch: dict[int, dict]) -> pd.DataFrame:
    rows = [
        {"assessment": assessment_id, "indicator": code,
         "level": math.nan if value == "na" else float(value), "not_applicable": value == "na"}
        for assessment_id, answers in batch.items()
        for code, value in answers.items()
        if value is not None
    ]
    return pd.DataFrame(rows, columns=["assessment", "indicator", "level", "not_applicable"])


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and not (isinstance(b, float) and math.isnan(b)) and abs(a - b) < 1e-9


@settings(max_examples=60)
@given(specs(), st.data())
def test_batch_path_equals_single_path(spec, data):
    batch = {}
    for assessment_id in range(data.draw(st.integers(1, 6))):
        answers = {}
        for indicator in spec.indicators:
            choices = [None, 0, 1, 2, 3, 4] + (["na"] if indicator.allows_na else [])
            answers[indicator.code] = data.draw(st.sampled_from(choices))
        batch[assessment_id] = answers
    frame = _frame(batch)
    result = score_batch(spec=spec, answers=frame)
    for assessment_id, answers in batch.items():
        card = score_answers(spec=spec, answers=answers)
        if assessment_id not in result.index:  # nothing answered: no row in the batch input
            assert card.answered == 0
            continue
        row = result.loc[assessment_id]
        assert _same(card.overall, row["overall"])
        assert card.overall_tier == row["overall_tier"]
        assert abs(card.completion - row["completion"]) < 1e-12
        for dimension in card.dimensions:
            assert _same(dimension.score, row[dimension.code])
            assert dimension.tier == row[f"{dimension.code}_tier"]
            for code, score in dimension.subdimensions:
                assert _same(score, row[code])


@given(spec_and_answers())
def test_version_2_dimension_is_the_weighted_mean_of_its_subdimension_scores(case):
    spec, answers = case
    spec = FrameworkSpec(code=spec.code, version=2, tier_advanced=spec.tier_advanced,
                         tier_intermediate=spec.tier_intermediate, dimensions=spec.dimensions,
                         aggregation="subdimensions")
    card = score_answers(spec=spec, answers=answers)
    for dimension_spec, dimension in zip(spec.dimensions, card.dimensions, strict=True):
        weights = {sub.code: sub.weight for sub in dimension_spec.subdimensions}
        present = [(weights[code], score) for code, score in dimension.subdimensions if score is not None]
        if not present:
            assert dimension.score is None
            continue
        expected = math.fsum(w * s for w, s in present) / math.fsum(w for w, _ in present)
        assert abs(dimension.score - expected) < 1e-9


def _cards_equal(single, batch) -> None:
    assert (single.answered, single.total, single.overall_tier) == (batch.answered, batch.total, batch.overall_tier)
    assert _same(single.overall, batch.overall)
    for one, other in zip(single.dimensions, batch.dimensions, strict=True):
        assert (one.code, one.tier) == (other.code, other.tier)
        assert _same(one.score, other.score)
        for (code, score), (other_code, other_score) in zip(one.subdimensions, other.subdimensions, strict=True):
            assert code == other_code and _same(score, other_score)


@settings(max_examples=60)
@given(specs(), st.data())
def test_the_columnar_batch_gives_each_assessment_its_single_path_card(spec, data):
    """`score_rows` (integer rows as batch_scorecards reads them, ids of another version mixed in, rows
    in any order) and its cards equal `score_answers` for every assessment."""
    batch = {}
    for assessment_id in range(1, data.draw(st.integers(1, 6)) + 1):
        batch[assessment_id] = {
            ind.code: data.draw(st.sampled_from([None, 0, 1, 2, 3, 4] + (["na"] if ind.allows_na else [])))
            for ind in spec.indicators}
    ids = {ind.code: 100 + n for n, ind in enumerate(spec.indicators)}
    rows = [(assessment_id, ids[code], math.nan if value == "na" else float(value), value == "na")
            for assessment_id, answers in batch.items() for code, value in answers.items() if value is not None]
    rows += [(assessment_id, 7, 2.0, False) for assessment_id in batch]  # an indicator of another version
    rows = data.draw(st.permutations(rows))
    columns = np.array(rows, dtype=float).reshape(-1, 4)
    cards = score_rows(spec=spec, indicator_ids=list(ids.values()), assessment=columns[:, 0].astype(int),
                       indicator=columns[:, 1].astype(int), level=columns[:, 2],
                       not_applicable=columns[:, 3].astype(bool)).cards()
    for assessment_id, answers in batch.items():
        _cards_equal(score_answers(spec=spec, answers=answers), cards[assessment_id])
