"""The questionnaire step: what it shows, how it saves, and how it refuses to lose anyone's input."""

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.models import Answer, Assessment, StatusChange
from frameworks.models import Indicator
from tests.factories import AssessmentFactory
from tests.helpers import fill, step_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(sodpa, people):
    return AssessmentFactory(region=people["own"], framework=sodpa, title="2026 自评估")


def url(assessment, step="S"):
    return reverse("questionnaire", args=[assessment.pk]) + f"?step={step}"


def test_step_shows_every_indicator_with_its_five_descriptors(client, people, draft):
    client.force_login(people["official"])
    response = client.get(url(draft, "D"))
    page = response.content.decode()
    indicators = Indicator.objects.filter(subdimension__dimension__framework=draft.framework,
                                          subdimension__dimension__code="D").prefetch_related("levels")
    assert len(indicators) >= 10
    for indicator in indicators:
        assert indicator.question_zh in page
        for level in indicator.levels.all():
            assert level.text_zh in page
        key = "i_" + indicator.code.replace(".", "_")
        assert ('value="na"' in str(response.context["form"][f"{key}-level"])) == indicator.allows_na
    assert "四(一)" in page  # guide section shown with the help text
    assert page.count('type="radio"') == sum(5 + i.allows_na for i in indicators)


def test_save_and_continue_stores_levels_and_evidence_and_moves_on(client, people, draft):
    client.force_login(people["official"])
    data = step_post_data(client.get(url(draft)))
    data.update({"i_S1_1-level": "3", "i_S1_1-evidence": "《数字孪生规划》2024", "i_S1_2-level": "1",
                 "next": ""})
    response = client.post(url(draft), data)
    assert response.status_code == 302
    assert response["Location"].endswith("?step=O&saved=S")
    answers = {a.indicator.code: a for a in draft.answers.select_related("indicator")}
    assert (answers["S1.1"].level, answers["S1.1"].evidence) == (3, "《数字孪生规划》2024")
    assert answers["S1.2"].level == 1
    assert answers["S1.1"].updated_by == people["official"]
    assert set(answers) == {"S1.1", "S1.2"}  # untouched indicators stay unanswered


def test_not_applicable_only_where_allowed(client, people, draft):
    client.force_login(people["official"])
    allowed = Indicator.objects.filter(subdimension__dimension__framework=draft.framework, allows_na=True,
                                       subdimension__dimension__code="S").first()
    data = step_post_data(client.get(url(draft)))
    data.update({"i_" + allowed.code.replace(".", "_") + "-level": "na", "i_S1_1-level": "na",
                 "i_S1_2-evidence": "kept evidence"})
    response = client.post(url(draft), data)
    assert response.status_code == 400
    assert "na" in response.context["form"].errors["i_S1_1-level"][0]
    # nothing is lost: the typed evidence is still in the re-rendered form, nothing was saved
    assert "kept evidence" in response.content.decode()
    assert draft.answers.count() == 0
    data["i_S1_1-level"] = "2"
    assert client.post(url(draft), data).status_code == 302
    assert draft.answers.get(indicator=allowed).not_applicable is True


@pytest.mark.postgres
def test_a_stale_save_is_refused_naming_what_changed_and_keeping_the_input(client, people, draft):
    colleague = people["admin"]
    people["own"].officials.add(colleague)  # the admin is no official until made one
    client.force_login(people["official"])
    page = step_post_data(client.get(url(draft)))  # the official's page, loaded before the colleague saves

    other = client.__class__()
    other.force_login(colleague)
    theirs = step_post_data(other.get(url(draft)))
    theirs.update({"i_S1_1-level": "4", "i_S1_1-evidence": "colleague's evidence"})
    assert other.post(url(draft), theirs).status_code == 302

    page.update({"i_S1_1-level": "1", "i_S1_1-evidence": "my evidence", "i_S2_1-level": "2"})
    response = client.post(url(draft), page)
    assert response.status_code == 409
    text = response.content.decode()
    assert "S1.1" in text and "admin" in text and "colleague&#x27;s evidence" in text
    answer = draft.answers.get(indicator__code="S1.1")
    assert (answer.level, answer.evidence) == (4, "colleague's evidence")
    assert draft.answers.get(indicator__code="S2.1").level == 2  # the answer nobody else touched is saved
    with translation.override("zh-hans"):
        saved = translation.gettext("Saved %(count)d answer of %(dimension)s.")
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == saved % {"count": 1, "dimension": "战略与人才"} and 'href="#conflicts"' in messages[1]
    assert text.index(messages[0]) < text.index('id="conflicts"')  # the messages come first, at the top
    form = response.context["form"]
    assert form["i_S1_1-level"].value() == "1" and form["i_S1_1-evidence"].value() == "my evidence"
    assert form["i_S2_1-level"].value() == "2"

    # Saving again after reading the message applies the official's choice knowingly.
    again = step_post_data(response)
    assert client.post(url(draft), again).status_code == 302
    answer.refresh_from_db()
    assert (answer.level, answer.evidence) == (1, "my evidence")
    assert draft.answers.get(indicator__code="S2.1").level == 2


@pytest.mark.postgres
def test_a_stale_page_does_not_overwrite_answers_it_did_not_change(client, people, draft):
    client.force_login(people["official"])
    page = step_post_data(client.get(url(draft)))
    other = client.__class__()
    people["own"].officials.add(people["admin"])  # the admin is no official until made one
    other.force_login(people["admin"])
    theirs = step_post_data(other.get(url(draft)))
    theirs["i_S1_1-level"] = "4"
    other.post(url(draft), theirs)

    page["i_S1_2-level"] = "3"  # the official changes only S1.2
    assert client.post(url(draft), page).status_code == 302
    levels = dict(draft.answers.values_list("indicator__code", "level"))
    assert levels == {"S1.1": 4, "S1.2": 3}


def test_a_submitted_assessment_is_read_only(client, people, draft):
    fill(draft, 2)
    draft.status = Assessment.Status.SUBMITTED
    draft.save()
    client.force_login(people["official"])
    response = client.get(url(draft))
    assert 'name="save"' not in response.content.decode()
    assert "<fieldset disabled>" in response.content.decode()
    data = step_post_data(response)
    data["i_S1_1-level"] = "4"
    data["i_S1_1-evidence"] = "my unsaved note"
    response = client.post(url(draft), data)
    assert response.status_code == 409
    assert draft.answers.get(indicator__code="S1.1").level == 2
    with translation.override("zh-hans"):
        expected = translation.gettext("Not saved: this assessment was submitted and is read-only. "
                                       "Your input is still shown below.")
    assert [str(m) for m in response.context["messages"]] == [expected]
    page = response.content.decode()
    assert "<fieldset disabled>" in page and "my unsaved note" in page  # the input is kept, to copy


@pytest.mark.postgres
def test_only_a_complete_assessment_can_be_submitted(client, people, draft):
    fill(draft, 2, skip=1)
    client.force_login(people["official"])
    response = client.post(reverse("submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert not draft.is_submitted
    assert "1" in str(list(response.context["messages"])[0])
    last = Indicator.objects.filter(subdimension__dimension__framework=draft.framework).last()
    Answer.objects.create(assessment=draft, indicator=last, level=0)
    response = client.post(reverse("submit", args=[draft.pk]))
    assert response["Location"] == reverse("results", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.is_submitted and draft.submitted_at is not None
    assert list(draft.status_changes.values_list("status", "changed_by__username")) == [
        ("submitted", "official")]


def test_reopening_keeps_the_history(client, people, draft):
    fill(draft, 2)
    client.force_login(people["official"])
    client.post(reverse("submit", args=[draft.pk]))
    client.force_login(people["consultant"])
    client.post(reverse("reopen", args=[draft.pk]), {"note": "Evidence for D1 missing"})
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    history = list(StatusChange.objects.filter(assessment=draft).values_list("status", "changed_by__username", "note"))
    assert history == [("submitted", "official", ""), ("draft", "consultant", "Evidence for D1 missing")]
    response = client.get(reverse("results", args=[draft.pk]))
    assert "Evidence for D1 missing" in response.content.decode()


def test_progress_per_dimension_and_overall(client, people, draft):
    indicators = fill(draft, 2, skip=0)
    Answer.objects.filter(assessment=draft, indicator__subdimension__dimension__code="A").delete()
    client.force_login(people["official"])
    response = client.get(url(draft))
    steps = {s["dimension"].code: (s["done"], s["total"]) for s in response.context["steps"]}
    a_total = sum(1 for i in indicators if i.code.startswith("A"))
    assert steps["A"] == (0, a_total)
    assert steps["S"][0] == steps["S"][1] > 0
    assert (response.context["done"], response.context["total"]) == (len(indicators) - a_total, len(indicators))
