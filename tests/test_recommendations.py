"""derive_recommendations: pure advice from a ScoreCard and the rule data."""

import pytest

from assessments.recommendations import derive_recommendations, load_rules
from assessments.scoring import score_answers
from frameworks.models import Framework, Indicator
from frameworks.spec import framework_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec_and_rules(sodpa):
    framework = Framework.objects.with_questionnaire().get(pk=sodpa.pk)
    return framework_spec(framework=framework), load_rules(framework=framework)


def answers_at(level_by_dimension: dict[str, int]) -> dict[str, int]:
    return {code: level_by_dimension[code[0]] for code in Indicator.objects.values_list("code", flat=True)}


@pytest.mark.parametrize(("level", "tier"), [(4, "advanced"), (2, "intermediate"), (1, "basic")])
def test_strategy_and_scene_step_follow_the_overall_tier(spec_and_rules, level, tier):
    spec, rules = spec_and_rules
    answers = answers_at(dict.fromkeys("SODPA", level))
    card = score_answers(spec=spec, answers=answers)
    advice = derive_recommendations(card=card, rules=rules, city_type="industrial", spec=spec, values=answers)
    assert (advice.tier, advice.strategy.tier, advice.scene_step.tier) == (tier, tier, tier)
    assert advice.strategy.guide_section == "七(一)" and advice.scene_step.guide_section == "六(四)"
    assert [f.scene.city_type for f in advice.feature_scenes] == ["industrial"]


def test_weak_areas_are_the_lowest_sub_dimensions_below_advanced(spec_and_rules):
    spec, rules = spec_and_rules
    answers = answers_at({"S": 4, "O": 4, "D": 4, "P": 4, "A": 4})
    for code in ("O2.1", "O2.2", "O2.3"):
        answers[code] = 0
    for code in [c for c in answers if c.startswith("P4.")]:
        answers[code] = 1
    card = score_answers(spec=spec, answers=answers)
    advice = derive_recommendations(card=card, rules=rules, city_type="port", spec=spec, values=answers)
    assert sorted(w.subdimension.code for w in advice.weak_areas) == ["O2", "P4"]
    assert set(advice.weak_dimensions) == {"O", "P"}
    assert all(w.subdimension.measures_zh for w in advice.weak_areas)
    o2_cases = {c.number for c in advice.weak_areas[0].cases}
    assert 5 in o2_cases  # Beijing spatial data trade illustrates the data-asset business model


def test_version_1_without_prerequisites_keeps_the_old_listing_without_readiness(spec_and_rules):
    spec, rules = spec_and_rules
    answers = answers_at({"S": 4, "O": 4, "D": 1, "P": 4, "A": 4})
    card = score_answers(spec=spec, answers=answers)
    advice = derive_recommendations(card=card, rules=rules, city_type="tourism", spec=spec, values=answers)
    assert not advice.with_readiness
    assert [a.scene_type.number for a in advice.scene_types] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all(a.readiness is None and a.weak_dimensions == () for a in advice.scene_types)
    assert advice.weak_dimensions == ("D",)


def test_nothing_weak_when_every_sub_dimension_is_advanced(spec_and_rules):
    spec, rules = spec_and_rules
    answers = answers_at(dict.fromkeys("SODPA", 4))
    card = score_answers(spec=spec, answers=answers)
    advice = derive_recommendations(card=card, rules=rules, city_type="comprehensive", spec=spec, values=answers)
    assert advice.weak_areas == () and advice.weak_dimensions == ()
    assert len(advice.strengths) == 3
