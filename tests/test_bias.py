"""Self-assessment bias (assessments/bias.py): zero when nothing changed in review, and its sign."""

from hypothesis import given
from hypothesis import strategies as st

from assessments.bias import self_assessment_bias
from frameworks.spec import DimensionSpec, FrameworkSpec, IndicatorSpec, SubDimensionSpec
from tests.test_scoring_properties import spec_and_answers


@given(spec_and_answers())
def test_no_change_means_no_bias(case):
    spec, answers = case
    bias = self_assessment_bias(spec=spec, self_assessed=answers, verified=dict(answers))
    assert not bias.any_change
    for dimension in bias.dimensions:
        assert dimension.level_gap in (0, None) and dimension.score_gap in (0, None)
    assert bias.overall_score_gap in (0, None)


@given(spec_and_answers(), st.data())
def test_lowered_answers_show_over_rating(case, data):
    """The reviewer lowered some levelled answers (never raised any): every gap is ≥ 0, and > 0 in
    each dimension where a level was lowered; raising them instead flips the sign."""
    spec, verified = case
    self_assessed = dict(verified)
    lowered: set[str] = set()
    for indicator in spec.indicators:
        level = verified[indicator.code]
        if isinstance(level, int) and level < 4 and data.draw(st.booleans()):
            self_assessed[indicator.code] = data.draw(st.integers(level + 1, 4))
            lowered.add(indicator.code)
    over = self_assessment_bias(spec=spec, self_assessed=self_assessed, verified=verified)
    under = self_assessment_bias(spec=spec, self_assessed=verified, verified=self_assessed)
    for dimension, spec_dim, flipped in zip(over.dimensions, spec.dimensions, under.dimensions, strict=True):
        touched = any(ind.code in lowered for ind in spec_dim.indicators)
        assert dimension.changed == sum(ind.code in lowered for ind in spec_dim.indicators)
        if touched:
            assert dimension.level_gap > 0 and dimension.score_gap > 0
            assert flipped.level_gap < 0 and flipped.score_gap < 0
        else:
            assert dimension.level_gap in (0, None) and dimension.score_gap in (0, None)
    if lowered:
        assert over.overall_score_gap > 0 and under.overall_score_gap < 0


def test_the_figures_of_a_small_case():
    """S: two indicators of equal weight, 4 and 2 self-assessed, verified 2 and 2: the level gap is
    (2 + 0) / 2 = 1.0 and the score gap (75 − 50) = 25 points; O unchanged; N/A drops out."""
    spec = FrameworkSpec(code="t", version=1, tier_advanced=70, tier_intermediate=40, dimensions=(
        DimensionSpec(code="S", weight=1, subdimensions=(SubDimensionSpec(code="S1", indicators=(
            IndicatorSpec(code="S1.1", weight=1, allows_na=False), IndicatorSpec(code="S1.2", weight=1, allows_na=True),
            IndicatorSpec(code="S1.3", weight=1, allows_na=True))),)),
        DimensionSpec(code="O", weight=1, subdimensions=(SubDimensionSpec(code="O1", indicators=(
            IndicatorSpec(code="O1.1", weight=1, allows_na=False),)),)),
    ))
    bias = self_assessment_bias(spec=spec, self_assessed={"S1.1": 4, "S1.2": 2, "S1.3": "na", "O1.1": 3},
                                verified={"S1.1": 2, "S1.2": 2, "S1.3": "na", "O1.1": 3})
    s, o = bias.dimensions
    assert (s.level_gap, s.score_gap, s.changed) == (1.0, 25.0, 1)
    assert (o.level_gap, o.score_gap, o.changed) == (0.0, 0.0, 0)
    assert bias.overall_score_gap == 12.5
