"""Scoring rules by example: hand-computed values, N/A, unanswered, null dimensions, boundaries."""

import pytest

from assessments.scoring import score_answers, tier_for
from frameworks.spec import DimensionSpec, FrameworkSpec, IndicatorSpec, SubDimensionSpec


def make_spec(shape, *, dimension_weights=None, advanced=70.0, intermediate=40.0) -> FrameworkSpec:
    """shape: {"S": {"S1": [weight, …]}} or with (weight, allows_na) tuples."""
    dimensions = []
    for dim_code, subs in shape.items():
        subdimensions = []
        for sub_code, indicators in subs.items():
            specs = []
            for number, item in enumerate(indicators, start=1):
                weight, allows_na = item if isinstance(item, tuple) else (item, True)
                specs.append(IndicatorSpec(code=f"{sub_code}.{number}", weight=weight,
                                           allows_na=allows_na))
            subdimensions.append(SubDimensionSpec(code=sub_code, indicators=tuple(specs)))
        weight = (dimension_weights or {}).get(dim_code, 1.0)
        dimensions.append(DimensionSpec(code=dim_code, weight=weight,
                                        subdimensions=tuple(subdimensions)))
    return FrameworkSpec(code="t", version=1, tier_advanced=advanced,
                         tier_intermediate=intermediate, dimensions=tuple(dimensions))


SPEC = make_spec(
    {"S": {"S1": [1, 2], "S2": [1]}, "D": {"D1": [1.5, 1]}},
    dimension_weights={"S": 2, "D": 1},
)


def test_weighted_means_match_a_hand_computation():
    card = score_answers(spec=SPEC, answers={"S1.1": 4, "S1.2": 1, "S2.1": 2, "D1.1": 3, "D1.2": 0})
    # S1 = (1×100 + 2×25) / 3 = 50; S2 = 50; S = (100 + 50 + 50) / 4 = 50
    assert card.dimension("S").subdimension_scores() == {
        "S1": pytest.approx(50), "S2": pytest.approx(50)}
    assert card.dimension("S").score == pytest.approx(50)
    # D = (1.5×75 + 1×0) / 2.5 = 45
    assert card.dimension("D").score == pytest.approx(45)
    # overall = (2×50 + 1×45) / 3 = 48.333…
    assert card.overall == pytest.approx(145 / 3)
    assert (card.overall_tier, card.dimension("S").tier, card.dimension("D").tier) == (
        "intermediate", "intermediate", "intermediate")
    assert card.completion == 1.0


def test_dimension_score_weights_indicators_not_subdimensions():
    # S1 has two answered indicators, S2 one: S is the mean of the three, not of S1 and S2.
    card = score_answers(spec=SPEC, answers={"S1.1": 4, "S1.2": 4, "S2.1": 0})
    assert card.dimension("S").score == pytest.approx(300 / 4)


def test_not_applicable_drops_out_and_weights_renormalise():
    card = score_answers(
        spec=SPEC, answers={"S1.1": "na", "S1.2": 2, "S2.1": 4, "D1.1": 4, "D1.2": "na"})
    assert card.dimension("S").subdimension_scores()["S1"] == pytest.approx(50)
    assert card.dimension("S").score == pytest.approx((2 * 50 + 100) / 3)
    assert card.dimension("D").score == pytest.approx(100)
    assert card.completion == 1.0


def test_unanswered_drops_out_but_lowers_completion():
    card = score_answers(spec=SPEC, answers={"S1.1": 2})
    assert card.dimension("S").score == pytest.approx(50)
    assert card.dimension("S").subdimension_scores()["S2"] is None
    assert card.answered == 1 and card.total == 5
    assert card.completion == pytest.approx(0.2)
    assert not card.is_complete


def test_dimension_without_applicable_answer_is_null_and_left_out_of_overall():
    card = score_answers(
        spec=SPEC, answers={"S1.1": 1, "S1.2": 1, "S2.1": 1, "D1.1": "na", "D1.2": "na"})
    assert card.dimension("D").score is None
    assert card.dimension("D").tier is None
    assert card.overall == pytest.approx(25)
    assert card.overall_tier == "basic"


def test_nothing_answered_gives_no_score_rather_than_zero():
    card = score_answers(spec=SPEC, answers={})
    assert card.overall is None and card.overall_tier is None
    assert all(dim.score is None for dim in card.dimensions)
    assert card.completion == 0


@pytest.mark.parametrize(
    ("score", "tier"),
    [(None, None), (0, "basic"), (39.99, "basic"), (40, "intermediate"), (69.99, "intermediate"),
     (70, "advanced"), (100, "advanced")],
)
def test_boundary_value_belongs_to_the_higher_tier(score, tier):
    assert tier_for(score, advanced=70, intermediate=40) == tier


def test_a_weighted_mean_equal_to_the_threshold_reaches_the_tier():
    # 0.1 and 0.3 are inexact in binary; mathematically these means are exactly 70.
    for weights, levels in (([0.1] * 5, [4, 4, 3, 2, 1]), ([0.3, 0.1, 0.6], [4, 4, 2])):
        spec = make_spec({"S": {"S1": weights}})
        answers = {f"S1.{n}": level for n, level in enumerate(levels, start=1)}
        card = score_answers(spec=spec, answers=answers)
        assert card.overall == pytest.approx(70)
        assert card.overall_tier == "advanced"


def test_float_error_below_a_threshold_counts_as_on_it():
    assert tier_for(69.99999999999999, advanced=70, intermediate=40) == "advanced"
    assert tier_for(69.9999, advanced=70, intermediate=40) == "intermediate"


def test_thresholds_come_from_the_framework():
    spec = make_spec({"S": {"S1": [1]}}, advanced=80, intermediate=50)
    assert score_answers(spec=spec, answers={"S1.1": 3}).overall_tier == "intermediate"
    assert score_answers(spec=spec, answers={"S1.1": 1}).overall_tier == "basic"


@pytest.mark.parametrize("bad", [5, -1, 2.5, "3", True])
def test_invalid_levels_are_refused(bad):
    with pytest.raises(ValueError, match="S1.1"):
        score_answers(spec=SPEC, answers={"S1.1": bad})


def test_not_applicable_is_refused_where_not_allowed():
    spec = make_spec({"S": {"S1": [(1, False)]}})
    with pytest.raises(ValueError, match="not applicable"):
        score_answers(spec=spec, answers={"S1.1": "na"})


def test_codes_outside_the_framework_are_ignored():
    card = score_answers(spec=SPEC, answers={"S1.1": 4, "X9.9": 0})
    assert card.overall == pytest.approx(100)
    assert card.answered == 1


def test_as_dict_keeps_unrounded_scores():
    card = score_answers(spec=SPEC, answers={"S1.1": 4, "S1.2": 1, "S2.1": 2, "D1.1": 3, "D1.2": 0})
    data = card.as_dict()
    assert data["overall"]["score"] == card.overall == pytest.approx(48.3333333333)
    assert data["dimensions"]["D"] == {"score": pytest.approx(45), "tier": "intermediate",
                                       "subdimensions": {"D1": pytest.approx(45)}}


# --- version 2: sub-dimension aggregation --------------------------------------------------------

def _v2_spec():
    from frameworks.spec import DimensionSpec, FrameworkSpec, IndicatorSpec, SubDimensionSpec

    def ind(code, weight=1.0, kinds=()):
        return IndicatorSpec(code=code, weight=weight, allows_na=bool(kinds), na_kinds=tuple(kinds))

    dimension = DimensionSpec(code="S", weight=1.0, subdimensions=(
        SubDimensionSpec(code="S1", weight=1.0, indicators=(ind("S1.1"), ind("S1.2"), ind("S1.3"), ind("S1.4"))),
        SubDimensionSpec(code="S2", weight=2.0, indicators=(ind("S2.1", 1.5), ind("S2.2", 0.5))),
        SubDimensionSpec(code="S3", weight=1.0, indicators=(ind("S3.1", kinds=("park",)),)),
    ))
    return FrameworkSpec(code="v2", version=2, tier_advanced=70, tier_intermediate=40,
                         dimensions=(dimension,), aggregation="subdimensions")


def test_version_2_weighs_subdimensions_not_indicator_counts():
    from assessments.scoring import score_answers

    spec = _v2_spec()
    answers = {"S1.1": 4, "S1.2": 4, "S1.3": 4, "S1.4": 4, "S2.1": 0, "S2.2": 4, "S3.1": 2}
    card = score_answers(spec=spec, answers=answers)
    # S1 = 100; S2 = (1.5×0 + 0.5×100) / 2 = 25; S3 = 50; S = (1×100 + 2×25 + 1×50) / 4 = 50
    assert card.dimension("S").subdimension_scores() == {"S1": 100.0, "S2": 25.0, "S3": 50.0}
    assert card.dimension("S").score == 50.0
    # by indicators (version 1's rule) the four S1 answers weigh more: (400 + 0 + 50 + 50) / 7
    from dataclasses import replace

    v1 = score_answers(spec=replace(spec, aggregation="indicators"), answers=answers)
    assert round(v1.dimension("S").score, 9) == round(500 / 7, 9)


def test_version_2_subdimension_without_applicable_answer_drops_out():
    from assessments.scoring import na_shares, score_answers

    spec = _v2_spec()
    answers = {"S1.1": 2, "S2.1": 4, "S2.2": 4, "S3.1": "na"}
    card = score_answers(spec=spec, answers=answers)
    # S1 = 50 (weight 1), S2 = 100 (weight 2), S3 all N/A → out: (50 + 200) / 3
    assert card.dimension("S").subdimension_scores()["S3"] is None
    assert round(card.dimension("S").score, 9) == round(250 / 3, 9)
    # N/A removed S3's share of the dimension: 1 / (1 + 2 + 1)
    assert na_shares(spec=spec, answers=answers) == {"S": 0.25}
