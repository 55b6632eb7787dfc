"""The questionnaire on a version-2 framework: N/A only for the region kinds that may use it and
only with a reason; each level's criteria under it; the level rule once per step; English guide
sections as "Ch. 2 (1)"."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import AssessmentFactory, RegionFactory
from tests.helpers import load_sample_v2, step_post_data

pytestmark = pytest.mark.django_db
RULE_ZH = "只有当某一级及其以下各级的全部判定条件都满足时，才算达到该级；否则选择较低的一级。"
RULE_EN = ("A level is reached only when all of its criteria and those of every lower level hold; "
           "otherwise choose the lower level.")


@pytest.fixture
def sample(db):
    return load_sample_v2()


def draft_for(people, sample, kind):
    region = people["own"]
    region.kind = kind
    region.save(update_fields=["kind"])
    return AssessmentFactory(region=region, framework=sample)


def url(assessment, step="S"):
    return reverse("questionnaire", args=[assessment.pk]) + f"?step={step}"


@pytest.mark.parametrize(("kind", "offered"), [("city", False), ("district", True), ("park", True)])
def test_na_is_offered_only_to_the_kinds_that_may_use_it(client, people, sample, kind, offered):
    assessment = draft_for(people, sample, kind)
    client.force_login(people["official"])
    response = client.get(url(assessment))
    form = response.context["form"]
    assert ('value="na"' in str(form["i_S2_1-level"])) is offered
    assert 'value="na"' not in str(form["i_S1_1-level"])


def test_na_without_a_reason_is_refused_naming_the_indicator_and_keeping_the_input(client, people, sample):
    assessment = draft_for(people, sample, "park")
    client.force_login(people["official"])
    data = step_post_data(client.get(url(assessment)))
    data.update({"i_S2_1-level": "na", "i_S2_1-evidence": "   ", "i_S1_1-level": "3",
                 "i_S1_1-evidence": "《规划》2025 年 3 号"})
    with translation.override("en"):
        response = client.post(url(assessment), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.context["form"].errors["i_S2_1-evidence"]
    assert errors == ["S2.1: “not applicable” needs its reason: say in the evidence why this indicator "
                      "does not apply to this region."]
    assert "《规划》2025 年 3 号" in response.content.decode()
    assert assessment.answers.count() == 0
    data["i_S2_1-evidence"] = "园区不承担该职能，由市级统筹。"
    assert client.post(url(assessment), data).status_code == 302
    assert assessment.answers.get(indicator__code="S2.1").not_applicable is True


def test_a_city_cannot_post_na_where_only_parks_may(client, people, sample):
    assessment = draft_for(people, sample, "city")
    client.force_login(people["official"])
    data = step_post_data(client.get(url(assessment)))
    data.update({"i_S2_1-level": "na", "i_S2_1-evidence": "理由"})
    response = client.post(url(assessment), data)
    assert response.status_code == 400 and "i_S2_1-level" in response.context["form"].errors
    assert assessment.answers.count() == 0


@pytest.mark.parametrize(("language", "rule", "criterion", "section"), [
    ("zh-hans", RULE_ZH, "S1.1 第 2 级的场景有清单。", "二(一)"),
    ("en", RULE_EN, "The scenes of S1.1 level 2 are listed.", "Ch. 2 (1)"),
])
def test_criteria_under_each_level_and_the_rule_once(client, people, sample, language, rule, criterion, section):
    assessment = draft_for(people, sample, "city")
    client.force_login(people["official"])
    page = client.get(url(assessment), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert page.count(rule) == 1
    assert f'<span class="criterion d-block">• {criterion}</span>' in page
    assert section in page
    if language == "en":
        assert "二(一)" not in page


def test_framework_text_in_criteria_is_escaped(client, people, sample):
    from frameworks.models import LevelDescriptor

    level = LevelDescriptor.objects.get(indicator__code="S1.1", indicator__subdimension__dimension__framework=sample,
                                        level=3)
    level.criteria = [{"zh-hans": "<script>alert(1)</script>", "en": "<b>x</b>"}]
    level.save()
    client.force_login(people["official"])
    page = client.get(url(draft_for(people, sample, "city"))).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_version_1_steps_show_no_rule_and_keep_na_for_every_kind(client, people, sodpa):
    region = RegionFactory(kind="city")
    region.officials.add(people["official"])
    assessment = AssessmentFactory(region=region, framework=sodpa)
    client.force_login(people["official"])
    response = client.get(url(assessment))
    assert RULE_ZH not in response.content.decode()
    assert 'value="na"' in str(response.context["form"]["i_S4_1-level"])
