"""Issue 14, the leftovers: a weak sub-dimension's cases ordered by relevance to the region (the
sub-dimensions they show, then the region's city type, which the guide's text gives for five cases),
and 七(一)'s tie-break between weak areas as rule data of the version (`TierAdvice.focus`)."""

import pytest
from django.core.exceptions import ValidationError

from assessments.published import forget_published
from assessments.recommendations import _by_relevance, load_rules
from frameworks.models import Case, Framework, TierAdvice
from tests.advice_frameworks import load_v2

pytestmark = pytest.mark.django_db


@pytest.fixture
def v2() -> Framework:
    return load_v2()


def test_the_guide_places_five_cases_in_a_city_type(v2):
    placed = dict(Case.objects.filter(framework=v2).exclude(city_type="").values_list("number", "city_type"))
    # 苏州工业园区, 上海临港 "数字孪生港区", 无锡梁溪 智慧园区, 深圳湾科技生态园, 乌鲁木齐 国际陆港
    assert placed == {1: "industrial", 6: "port", 10: "industrial", 11: "industrial", 13: "port"}


def test_a_sub_dimensions_cases_come_in_the_regions_city_type_first(v2):
    cases = Case.objects.filter(framework=v2, subdimensions__code="P3").prefetch_related("subdimensions")

    def order(city_type: str, weak: set[str]) -> list[int]:
        return [case.number for case in _by_relevance(cases, weak, city_type)]

    # P3 alone weak: every case shows it once, so the city type decides, then the number
    assert order("port", {"P3"}) == [6, 9, 12, 10]
    assert order("industrial", {"P3"}) == [10, 9, 12, 6]
    assert order("comprehensive", {"P3"}) == [9, 12, 6, 10]
    # the sub-dimensions first: with P2 weak too, the cases that also show P2 (9, 10) lead
    assert order("port", {"P2", "P3"}) == [9, 10, 6, 12]
    assert order("industrial", {"P2", "P3"}) == [10, 9, 12, 6]


def test_the_tier_focus_is_rule_data_of_the_version(v2):
    rules = load_rules(framework=v2)
    assert [rules.focus(tier) for tier in ("basic", "intermediate", "advanced", None)] == [
        ("A",), ("S", "O"), ("P", "D"), ()]

    TierAdvice.objects.filter(framework=v2, kind="strategy", tier="basic").update(focus=["O"])
    forget_published()
    assert load_rules(framework=v2).focus("basic") == ("O",)


def test_a_focus_that_is_not_a_list_of_dimension_codes_is_refused_by_name(v2):
    advice = TierAdvice.objects.get(framework=v2, kind="strategy", tier="basic")
    for bad in (["X"], "A", [1]):
        advice.focus = bad
        with pytest.raises(ValidationError) as error:
            advice.clean()
        assert "A, D, O, P, S" in str(error.value.message_dict["focus"])
    advice.focus = ["A", "S"]
    advice.clean()
