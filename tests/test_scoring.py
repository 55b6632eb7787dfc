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
