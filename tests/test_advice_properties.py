"""Advice properties (hypothesis, pure: no database): a weak dimension is never the strongest,
raising a prerequisite never lowers a scene type's readiness, raise_first[0] is the best one-level
move, and the Monte Carlo figure is reproducible and takes milliseconds."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.advice.moves import next_tier, one_level_moves, raise_first
from assessments.advice.readiness import READINESS_ORDER, Prerequisite, readiness
from assessments.advice.stability import tier_stability
from assessments.advice.weakness import weak_dimensions
from assessments.recommendations import TIER_RANK
from assessments.scoring import score_answers
from tests.test_scoring_properties import spec_and_answers

# The functions are pure; the mark is only for conftest's autouse fixture, which clears the shared
# (database) cache before every test.
pytestmark = pytest.mark.django_db
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTIES
@given(spec_and_answers())
def test_a_weak_dimension_is_never_the_strongest(case):
    spec, answers = case
    card = score_answers(spec=spec, answers=answers)
    scores = {dim.code: dim.score for dim in card.dimensions if dim.score is not None}
    weak = weak_dimensions(card=card)
    assert all(scores[code] < max(scores.values()) for code in weak)
    assert len(set(weak)) == len(weak)


codes = st.sampled_from([f"X{n}.1" for n in range(6)])
prerequisites = st.lists(st.builds(Prerequisite, indicator=codes, level=st.integers(1, 4),
                                   guide_section=st.just("六(三)")),
                         min_size=1, max_size=5, unique_by=lambda p: p.indicator)
levels = st.dictionaries(codes, st.one_of(st.integers(0, 4), st.just("na"), st.none()))


@PROPERTIES
@given(prerequisites, levels, st.data())
def test_raising_one_prerequisite_never_lowers_readiness(needed, values, data):
    before = readiness(prerequisites=needed, values=values)
    target = data.draw(st.sampled_from(needed)).indicator
    current = values.get(target)
    if current == "na":  # "not applicable" is not a level (and does not stand in the way)
        return
    raised = (current if isinstance(current, int) else 0) + 1
    if raised > 4:
        return
    after = readiness(prerequisites=needed, values={**values, target: raised})
    assert READINESS_ORDER[after.status] <= READINESS_ORDER[before.status]
    assert after.missing_levels <= before.missing_levels


@PROPERTIES
@given(spec_and_answers())
def test_raise_first_starts_with_the_largest_gain_of_any_one_level_move(case):
    spec, answers = case
    card = score_answers(spec=spec, answers=answers)
    moves = one_level_moves(spec=spec, values=answers, card=card)
    gains = []
    for indicator in spec.indicators:
        level = answers.get(indicator.code)
        if isinstance(level, int) and level < 4:
            raised = score_answers(spec=spec, answers={**answers, indicator.code: level + 1})
            gains.append(raised.overall - card.overall)
    first = raise_first(moves=moves)
    assert len(first) == min(5, len(gains))
    if gains:
        assert first[0].overall_gain >= max(gains) - 1e-9
    step = next_tier(spec=spec, values=answers, card=card, moves=moves)
    if step is not None:
        raised = dict(answers)
        for move in step.moves:
            raised[move.indicator] = move.to_level
        reached = score_answers(spec=spec, answers=raised).overall_tier
        assert TIER_RANK[reached] >= TIER_RANK[step.tier]  # a last move may jump over a narrow tier


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec_and_answers())
def test_stability_is_a_share_and_reproducible(case):
    spec, answers = case
    card = score_answers(spec=spec, answers=answers)
    first = tier_stability(spec=spec, values=answers, card=card)
    assert first == tier_stability(spec=spec, values=answers, card=card)
    assert first.overall is None or 0 <= first.overall <= 1
    assert all(share is None or 0 <= share <= 1 for share in first.dimensions.values())


def test_the_monte_carlo_figure_takes_milliseconds():
    """2,000 draws on an 80-indicator framework (measured, not a timing assertion on the result)."""
    from frameworks.spec import DimensionSpec, FrameworkSpec, IndicatorSpec, SubDimensionSpec

    spec = FrameworkSpec(code="t", version=1, tier_advanced=70, tier_intermediate=40, dimensions=tuple(
        DimensionSpec(code=d, weight=1.0, subdimensions=tuple(
            SubDimensionSpec(code=f"{d}{s}", indicators=tuple(
                IndicatorSpec(code=f"{d}{s}.{i}", weight=1.0 + (i % 2) / 2, allows_na=False) for i in range(4)))
            for s in range(4))) for d in "SODPA"))
    answers = {ind.code: n % 5 for n, ind in enumerate(spec.indicators)}
    card = score_answers(spec=spec, answers=answers)
    started = time.perf_counter()
    for _ in range(10):
        tier_stability(spec=spec, values=answers, card=card)
    per_call_ms = (time.perf_counter() - started) * 100
    print(f"tier_stability: {per_call_ms:.2f} ms per assessment (2,000 draws, 80 indicators)")
    assert per_call_ms > 0
