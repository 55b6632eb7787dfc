"""Advice a region can act on (issue 14), on version 2's real content and its scene prerequisites:
three regions tried as a consultant would, the scene step, feature scenes for every city type,
the exact gains, tier stability, and `manage.py advise`."""

import json

import pytest
from django.core.management import call_command

from assessments.advice.stability import tier_stability
from assessments.models import Answer
from assessments.recommendations import derive_recommendations, load_rules
from assessments.scoring import score_answers
from frameworks.export import export_document
from frameworks.models import Framework, Indicator
from frameworks.spec import framework_spec
from tests.advice_frameworks import load_v2
from tests.factories import AssessmentFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def v2():
    framework = load_v2()
    return Framework.objects.with_questionnaire().get(pk=framework.pk)


@pytest.fixture
def spec(v2):
    return framework_spec(framework=v2)


def levels_by_dimension(spec, levels: dict[str, int]) -> dict[str, int]:
    return {ind.code: levels[dim.code] for dim in spec.dimensions for ind in dim.indicators}


def advise(v2, spec, values, city_type="industrial"):
    card = score_answers(spec=spec, answers=values)
    stability = tier_stability(spec=spec, values=values, card=card)
    return derive_recommendations(card=card, rules=load_rules(framework=v2), city_type=city_type, spec=spec,
                                  values=values, stability=stability)


PROFILES = {
    "strong D and P, weak S and O": {"S": 1, "O": 1, "D": 3, "P": 3, "A": 2},
    "strong S and O, weak D and P": {"S": 3, "O": 3, "D": 1, "P": 1, "A": 2},
    "uniform": {"S": 2, "O": 2, "D": 2, "P": 2, "A": 2},
}


def test_three_regions_get_different_scene_orders_and_weak_dimensions(v2, spec):
    advice = {name: advise(v2, spec, levels_by_dimension(spec, levels)) for name, levels in PROFILES.items()}
    weak = {name: a.weak_dimensions for name, a in advice.items()}
    assert weak == {"strong D and P, weak S and O": ("S", "O"), "strong S and O, weak D and P": ("D", "P"),
                    "uniform": ()}
    orders = {name: tuple(item.scene_type.number for item in a.scene_types) for name, a in advice.items()}
    assert len(set(orders.values())) == 3, orders
    strong = advice["strong D and P, weak S and O"]
    # D and P at level 3 meet every D/P prerequisite: the mature types are ready and come first
    assert [(i.scene_type.number, i.status) for i in strong.scene_types[:4]] == [
        (1, "ready"), (2, "ready"), (3, "ready"), (4, "ready")]
    reverse = advice["strong S and O, weak D and P"]
    assert all(item.status != "ready" for item in reverse.scene_types)
    for item in reverse.scene_types:  # missing prerequisites are listed with current and needed level
        assert all(m.level == 1 and m.needed >= 2 for m in item.readiness.missing if m.indicator[0] in "DP")
    assert any("D" in item.weak_dimensions or "P" in item.weak_dimensions for item in reverse.scene_types)
    for name, levels in PROFILES.items():  # the strongest dimension is never called weak
        strongest = {code for code, level in levels.items() if level == max(levels.values())}
        assert not set(advice[name].weak_dimensions) & strongest


def test_near_is_at_most_two_prerequisites_or_three_levels_missing(v2, spec):
    values = levels_by_dimension(spec, {"S": 4, "O": 4, "D": 4, "P": 4, "A": 4})
    values.update({"P3.3": 1})  # type 8 needs P3.3 ≥ 3: one prerequisite, two levels missing
    advice = advise(v2, spec, values)
    by_number = {item.scene_type.number: item for item in advice.scene_types}
    assert by_number[8].status == "near"
    assert [(m.indicator, m.level, m.needed) for m in by_number[8].readiness.missing] == [("P3.3", 1, 3)]
    assert by_number[1].status == "ready"
    values.update({"D1.3": 0, "P2.1": 0, "D3.3": 0})  # type 1: three missing, 2 + 3 + 2 levels
    by_number = {item.scene_type.number: item for item in advise(v2, spec, values).scene_types}
    assert by_number[1].status == "not_yet" and by_number[1].readiness.missing_levels == 7


def test_a_basic_a_dimension_under_an_intermediate_overall_gets_the_single_entry_step(v2, spec):
    values = levels_by_dimension(spec, {"S": 3, "O": 3, "D": 3, "P": 3, "A": 1})
    advice = advise(v2, spec, values)
    assert advice.tier == "advanced" or advice.tier == "intermediate"
    values = levels_by_dimension(spec, {"S": 2, "O": 2, "D": 3, "P": 2, "A": 1})
    advice = advise(v2, spec, values)
    assert advice.tier == "intermediate"
    assert advice.step.step == "single_entry" and advice.step.tier == "basic"
    assert advice.scene_step.tier == "basic" and "小切口" in advice.scene_step.title_zh
    assert "below your overall tier" in advice.step.reason or "低于" in advice.step.reason


@pytest.mark.parametrize("city_type", ["port", "industrial", "tourism", "comprehensive"])
def test_every_city_type_gets_the_enterprise_side_of_seven_two(v2, spec, city_type):
    advice = advise(v2, spec, levels_by_dimension(spec, PROFILES["uniform"]), city_type=city_type)
    titles = [item.scene.title_zh for item in advice.feature_scenes]
    assert any("城市智能体" in title and "城市生命线" in title and "大模型" in title for title in titles)
    scopes = [(item.scope, item.scene.city_type) for item in advice.feature_scenes]
    if city_type == "comprehensive":
        assert scopes == [("all", "all"), ("all", "all"), ("option", "port"), ("option", "industrial"),
                          ("option", "tourism")]
    else:
        assert scopes == [("all", "all"), ("all", "all"), ("own", city_type)]


def test_every_weak_sub_dimension_has_a_case_or_says_the_guide_gives_none(v2, spec):
    for levels in PROFILES.values():
        advice = advise(v2, spec, levels_by_dimension(spec, levels))
        for area in advice.weak_areas:
            entries = [c for c in advice.cases if c.subdimension == area.subdimension.code]
            assert entries, area.subdimension.code
            assert (entries == [type(entries[0])(case=None, subdimension=area.subdimension.code)]) == (not area.cases)


def test_overall_gain_matches_a_hand_computation_from_the_exported_weights(v2, spec):
    """Version 2 scores dimensions from their indicators here (weights of the exported document):
    raising one indicator i of dimension d by a level adds 25 · w_i / Σw(d) · W_d / ΣW points."""
    document = export_document(framework=v2)
    values = levels_by_dimension(spec, PROFILES["strong D and P, weak S and O"])
    advice = advise(v2, spec, values)
    total = sum(dim["weight"] for dim in document["dimensions"])
    for move in advice.raise_first:
        dimension = next(d for d in document["dimensions"] if d["code"] == move.indicator[0])
        weights = {i["code"]: i["weight"] for s in dimension["subdimensions"] for i in s["indicators"]}
        if getattr(spec, "aggregation", "indicators") == "indicators":
            hand = 25 * weights[move.indicator] / sum(weights.values()) * dimension["weight"] / total
        else:  # sub-dimension aggregation: the indicator's share of its sub-dimension's share
            sub = next(s for s in dimension["subdimensions"] if any(i["code"] == move.indicator
                                                                   for i in s["indicators"]))
            sub_weights = [s.get("weight", 1) for s in dimension["subdimensions"]]
            hand = (25 * weights[move.indicator] / sum(i["weight"] for i in sub["indicators"])
                    * sub.get("weight", 1) / sum(sub_weights) * dimension["weight"] / total)
        assert move.overall_gain == pytest.approx(hand, abs=0.01)
    gains = [m.overall_gain for m in advice.raise_first]
    assert gains == sorted(gains, reverse=True) and len(gains) == 5


def test_the_next_tier_moves_are_the_fewest_and_reach_it(v2, spec):
    values = levels_by_dimension(spec, PROFILES["strong D and P, weak S and O"])
    advice = advise(v2, spec, values)
    assert advice.tier == "intermediate" and advice.next_tier.tier == "advanced"
    raised = dict(values)
    for move in advice.next_tier.moves:
        assert raised[move.indicator] == move.from_level and move.to_level == move.from_level + 1
        raised[move.indicator] = move.to_level
    assert score_answers(spec=spec, answers=raised).overall_tier == "advanced"
    one_less = dict(raised)
    last = advice.next_tier.moves[-1]
    one_less[last.indicator] = last.from_level
    assert score_answers(spec=spec, answers=one_less).overall_tier == "intermediate"
    top = advise(v2, spec, levels_by_dimension(spec, dict.fromkeys("SODPA", 4)))
    assert top.next_tier is None and top.raise_first == ()


def test_stability_of_a_uniform_region_and_of_one_on_a_threshold(v2, spec):
    fifty = levels_by_dimension(spec, dict.fromkeys("SODPA", 2))  # every score exactly 50
    card = score_answers(spec=spec, answers=fifty)
    stability = tier_stability(spec=spec, values=fifty, card=card)
    assert stability.overall >= 0.95 and all(share >= 0.95 for share in stability.dimensions.values())
    assert stability.draws >= 1000
    assert stability.points_up == pytest.approx(20) and stability.points_down == pytest.approx(10)
    # S, O at 25 and D, P, A at 50 → overall 40 exactly: the intermediate threshold
    edge = levels_by_dimension(spec, {"S": 1, "O": 1, "D": 2, "P": 2, "A": 2})
    card = score_answers(spec=spec, answers=edge)
    assert card.overall == pytest.approx(40) and card.overall_tier == "intermediate"
    stability = tier_stability(spec=spec, values=edge, card=card)
    assert 0.05 < stability.overall < 0.95
    assert stability == tier_stability(spec=spec, values=edge, card=card)  # seeded by the state


def test_advise_prints_the_interface_document(v2, spec, capsys):
    region = RegionFactory(city_type="industrial", kind="park", name="苏州工业园区")
    assessment = AssessmentFactory(region=region, framework=v2)
    levels = PROFILES["strong D and P, weak S and O"]
    Answer.objects.bulk_create(Answer(assessment=assessment, indicator=i, level=levels[i.code[0]])
                               for i in Indicator.objects.filter(subdimension__dimension__framework=v2))
    call_command("advise", assessment.pk, "--format", "json", "--lang", "en")
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["assessment", "tier", "strategy", "scene_step", "weak_dimensions", "scene_types",
                              "feature_scenes", "raise_first", "next_tier", "stability", "cases"]
    assert document["assessment"] == assessment.pk and document["tier"] == "intermediate"
    assert set(document["strategy"]) == {"title", "section"} and document["strategy"]["section"] == "七(一)"
    assert set(document["scene_step"]) == {"step", "section", "reason"}
    assert document["scene_step"]["step"] in ("single_entry", "building_block", "benchmark")
    assert document["weak_dimensions"] == ["S", "O"]
    assert [s["number"] for s in document["scene_types"]][:4] == [1, 2, 3, 4]
    for item in document["scene_types"]:
        assert set(item) == {"number", "name", "mature", "readiness", "missing"}
        assert item["readiness"] in ("ready", "near", "not_yet")
        assert all(set(m) == {"indicator", "level", "needed"} for m in item["missing"])
    assert all(set(f) == {"title", "section"} for f in document["feature_scenes"])
    assert [set(m) for m in document["raise_first"]] == [{"indicator", "from", "to", "overall_gain"}] * 5
    assert set(document["next_tier"]) == {"tier", "moves"}
    assert all(set(m) == {"indicator", "from", "to"} for m in document["next_tier"]["moves"])
    assert set(document["stability"]) == {"overall", "dimensions"}
    assert list(document["stability"]["dimensions"]) == ["S", "O", "D", "P", "A"]
    assert 0 <= document["stability"]["overall"] <= 1
    assert all(set(c) == {"number", "subdimension"} for c in document["cases"])
    assert "Hard-to-see" in document["scene_types"][0]["name"] or document["scene_types"][0]["name"].isascii()
    call_command("advise", assessment.pk, "--format", "json")  # default zh-hans
    chinese = json.loads(capsys.readouterr().out)
    assert chinese["scene_types"][0]["name"] == "高难度不可见场景"
    call_command("advise", assessment.pk, "--format", "table", "--lang", "en")
    table = capsys.readouterr().out
    assert "Raise first" in table and "Tier stability" in table
