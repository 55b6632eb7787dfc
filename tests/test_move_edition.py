"""Moving a draft to the new edition from the web: the official sees first which answers carry over,
which indicators are new and which answers go, then confirms."""

import copy

import pytest
from django.urls import reverse

from assessments.models import Assessment
from frameworks.models import Framework
from frameworks.records import create_framework, document_records
from tests.factories import AssessmentFactory, answer
from tests.helpers import load_sample_v2, sample_v2_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions(db):
    """Version 1 of the sample (no S1.2, an S1.9 that version 2 dropped, N/A on S2.1 for every
    kind, aggregated by indicators) and version 2 (the sample as it is)."""
    document = copy.deepcopy(sample_v2_document())
    document.update(version=1, aggregation="indicators")
    s1 = document["dimensions"][0]["subdimensions"][0]
    dropped = copy.deepcopy(s1["indicators"][1])
    dropped["code"] = "S1.9"
    s1["indicators"][1] = dropped
    document["dimensions"][0]["subdimensions"][1]["indicators"][0]["na_kinds"] = ["city", "district", "park"]
    first = create_framework(document_records(document, status=Framework.Status.PUBLISHED))
    return first, load_sample_v2()


def draft_on(first, people, kind):
    region = people["own"]
    region.kind = kind
    region.save(update_fields=["kind"])
    assessment = AssessmentFactory(region=region, framework=first, title="2026 草稿")
    for code, value in {"S1.1": 2, "S1.9": 3, "O1.1": 1}.items():
        answer(assessment, code, value)
    answer(assessment, "S2.1", "na")
    return assessment


def move_url(assessment):
    return reverse("move_assessment", args=[assessment.pk])


def test_the_official_sees_what_moves_then_confirms(client, people, editions):
    first, second = editions
    assessment = draft_on(first, people, "city")
    client.force_login(people["official"])
    questionnaire = client.get(reverse("questionnaire", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "A new edition of the questionnaire, version 2, is published; this draft is on version 1." in (
        questionnaire.content.decode())
    response = client.get(move_url(assessment), HTTP_ACCEPT_LANGUAGE="en")
    plan = response.context["plan"]
    assert (plan.carried, plan.gone_removed, plan.gone_na) == (("S1.1", "O1.1"), ("S1.9",), ("S2.1",))
    assert plan.added == ("S1.2",)
    page = response.content.decode()
    assert "2 answers carry over" in page and "1 new indicator to answer" in page and "2 answers go" in page
    removed = ("<strong>S1.9</strong> S1.2: has a scene list been drawn up? — "
               "the new version no longer has this indicator")
    assert removed in page
    assert "“not applicable” is no longer allowed for a City" in page
    assert Assessment.objects.get(pk=assessment.pk).framework == first  # nothing written yet

    response = client.post(move_url(assessment), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == reverse("questionnaire", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.framework == second
    assert sorted(assessment.answers.values_list("indicator__code", flat=True)) == ["O1.1", "S1.1"]
    assert "new-edition" not in client.get(reverse("questionnaire", args=[assessment.pk])).content.decode()


def test_a_park_keeps_its_na_but_is_told_it_needs_a_reason(client, people, editions):
    first, _ = editions
    assessment = draft_on(first, people, "park")
    client.force_login(people["official"])
    response = client.get(move_url(assessment), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["plan"].carried == ("S1.1", "S2.1", "O1.1")
    assert response.context["plan"].needs_reason == ("S2.1",)
    assert "add it to the evidence of S2.1" in response.content.decode()


def test_only_the_regions_officials_may_move_and_only_drafts(client, people, editions):
    first, _ = editions
    assessment = draft_on(first, people, "city")
    client.force_login(people["consultant"])
    assert client.get(move_url(assessment)).status_code == 403
    assert client.post(move_url(assessment)).status_code == 403
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    client.force_login(people["official"])
    response = client.get(move_url(assessment), HTTP_ACCEPT_LANGUAGE="en")
    assert "There is no newer edition to move this assessment to." in response.content.decode()
    assert client.post(move_url(assessment)).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).framework == first


# --- comparing across versions --------------------------------------------------------------------

def _submitted(region, framework, title, levels, when):
    from django.utils import timezone

    assessment = AssessmentFactory(region=region, framework=framework, title=title,
                                   status=Assessment.Status.SUBMITTED,
                                   submitted_at=timezone.now() - timezone.timedelta(days=when))
    for code, value in levels.items():
        answer(assessment, code, value)
    return assessment


def test_region_history_says_when_versions_differ_and_compares_shared_codes_only(client, people, editions):
    first, second = editions
    region = people["own"]
    _submitted(region, first, "2025 年度", {"S1.1": 1, "S1.9": 1, "O1.1": 2}, when=300)
    _submitted(region, second, "2026 年度", {"S1.1": 3, "S1.2": 4, "O1.1": 1}, when=10)
    client.force_login(people["official"])
    response = client.get(reverse("region_history", args=[region.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "The earlier assessment was made on version 1 of the framework, the later one on version 2" in page
    assert "These assessments were made on different versions of the framework." in page
    diff = response.context["diff"]
    assert [change.code for change in diff.rose] == ["S1.1"] and [change.code for change in diff.fell] == ["O1.1"]
    assert page.count("framework-version") == 2


def test_peers_on_another_version_are_named(client, people, editions):
    from tests.factories import RegionFactory

    first, second = editions
    region = people["own"]
    own = _submitted(region, second, "2026 年度", {"S1.1": 3}, when=5)
    for number in range(5):
        peer = RegionFactory(name=f"园区{number}", kind=region.kind)
        _submitted(peer, first if number < 2 else second, "2026", {"S1.1": number % 5}, when=5)
    client.force_login(people["official"])
    response = client.get(reverse("results", args=[own.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["peers"].other_versions == 2
    assert "2 of these regions were assessed on another version of the framework" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_official", "other_consultant", "admin", "nobody"])
def test_another_tenant_never_learns_of_the_draft_and_cannot_move_it(client, people, editions, persona):
    first, _ = editions
    assessment = draft_on(first, people, "city")
    client.force_login(people[persona])
    assert client.get(move_url(assessment)).status_code == 404
    assert client.post(move_url(assessment)).status_code == 404
    assert Assessment.objects.get(pk=assessment.pk).framework == first


def test_signed_out_the_move_page_asks_to_sign_in(client, people, editions):
    first, _ = editions
    assessment = draft_on(first, people, "city")
    response = client.get(move_url(assessment))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(move_url(assessment)).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).framework == first
