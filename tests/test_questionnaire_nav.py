"""Finding one's way through the questionnaire (issue 16, parts 1–2): the outline and its numbers,
re-entry at the first incomplete step, "only unanswered", clearing an answer, a message at the top for
every save, a refused save that keeps what did not conflict and says who saved meanwhile, and an
incomplete draft's score shown as provisional, without a tier."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.models import Answer
from assessments.outline import questionnaire_outline
from assessments.queries import answers_by_indicator, framework_with_questionnaire
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import step_post_data

pytestmark = pytest.mark.django_db

SHAPE = {"S": {"S1": [(1.0, False), (1.0, False)], "S2": [(1.0, False)]},
         "O": {"O1": [(1.0, False), (1.0, False)]},
         "D": {"D1": [(1.0, False)]}}


@pytest.fixture
def world():
    framework = build_framework(SHAPE)
    region = RegionFactory()
    official, colleague = UserFactory(username="li.wei"), UserFactory(username="zhang.min")
    region.officials.add(official, colleague)
    draft = AssessmentFactory(region=region, framework=framework)
    return {"framework": framework, "draft": draft, "official": official, "colleague": colleague}


def answer(draft, code: str, level: int | None = 2, *, by=None, evidence: str = "") -> Answer:
    indicator = next(i for d in framework_with_questionnaire(draft.framework_id).dimensions.all()
                     for s in d.subdimensions.all() for i in s.indicators.all() if i.code == code)
    return Answer.objects.create(assessment=draft, indicator=indicator, level=level, updated_by=by, evidence=evidence)


def page_url(draft, step: str | None = None, **query) -> str:
    url = reverse("questionnaire", args=[draft.pk])
    params = ([f"step={step}"] if step else []) + [f"{k}={v}" for k, v in query.items()]
    return url + ("?" + "&".join(params) if params else "")


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_outline_counts_answers_per_sub_dimension_and_finds_the_next_unanswered(world, django_assert_num_queries):
    draft = world["draft"]
    for code in ("S1.1", "S1.2", "S2.1", "O1.2"):
        answer(draft, code)
    answer(draft, "D1.1", None, evidence="evidence only: not an answer")
    framework = framework_with_questionnaire(draft.framework_id)
    answers = answers_by_indicator(draft)
    with django_assert_num_queries(0):  # it reads what the page has fetched already
        outline = questionnaire_outline(framework=framework, answers=answers)
    numbers = {sub.code: (sub.answered, sub.total) for step in outline.steps for sub in step.subdimensions}
    assert numbers == {"S1": (2, 2), "S2": (1, 1), "O1": (1, 2), "D1": (0, 1)}
    assert (outline.answered, outline.total, outline.first_incomplete_step()) == (4, 6, "O")
    assert outline.next_unanswered(from_step="S").anchor == "indicator-i_O1_1"
    assert outline.next_unanswered(from_step="D").anchor == "indicator-i_D1_1"


def test_re_entry_opens_the_first_incomplete_step_and_the_outline_links_to_it(client, world):
    draft = world["draft"]
    client.force_login(world["official"])
    assert client.get(page_url(draft)).context["dimension"].code == "S"  # nothing answered yet
    for code in ("S1.1", "S1.2", "S2.1"):
        answer(draft, code)
    response = client.get(page_url(draft))
    assert response.context["dimension"].code == "O"
    page = response.content.decode()
    assert 'id="next-unanswered"' in page and 'href="#indicator-i_O1_1"' in page
    assert 'href="?step=S#sub-S1"' in page and 'aria-current="step"' in page
    assert client.get(page_url(draft, "S")).context["dimension"].code == "S"  # a chosen step is kept


def test_only_unanswered_hides_the_answered_indicators(client, world):
    draft = world["draft"]
    answer(draft, "S1.1")
    client.force_login(world["official"])
    page = client.get(page_url(draft, "S", only="unanswered")).content.decode()
    assert re.search(r'id="indicator-i_S1_1"\s*class="[^"]*\bd-none"', page)
    assert re.search(r'id="indicator-i_S1_2"\s*class="indicator border-bottom pb-3 mb-3"', page)
    assert 'id="filter-notice"' in page and 'action="?step=S&amp;only=unanswered"' in page


def test_clearing_an_answer_deletes_it_and_a_stale_clear_is_refused(client, world):
    draft = world["draft"]
    answer(draft, "S1.1", 3, by=world["official"], evidence="规划文件")
    client.force_login(world["official"])
    data = step_post_data(client.get(page_url(draft, "S")))
    response = client.post(page_url(draft, "S"), {**data, "clear": "S1.1"}, follow=True)
    assert not Answer.objects.filter(assessment=draft).exists()
    assert texts(response) == [zh("Cleared the answer to %(code)s: it is unanswered again.") % {"code": "S1.1"}]
    assert response.redirect_chain[-1][0].endswith("#indicator-i_S1_1")

    # A clear from a page older than a colleague's save changes nothing and says who saved.
    answer(draft, "S1.1", 2, by=world["official"])
    stale = step_post_data(client.get(page_url(draft, "S")))
    Answer.objects.filter(assessment=draft).update(level=4, revision=2, updated_by=world["colleague"])
    response = client.post(page_url(draft, "S"), {**stale, "clear": "S1.1"})
    assert response.status_code == 409 and Answer.objects.get(assessment=draft).level == 4
    assert "zhang.min" in response.content.decode()


def test_a_save_without_changes_says_so_instead_of_zero_answers_saved(client, world):
    draft = world["draft"]
    client.force_login(world["official"])
    data = step_post_data(client.get(page_url(draft, "S")))
    response = client.post(page_url(draft, "S"), {**data, "next": ""}, follow=True)
    assert response.context["dimension"].code == "O"
    dimension = draft.framework.dimensions.get(code="S").name
    assert texts(response) == [zh("Nothing was changed in %(dimension)s, so nothing needed saving.")
                               % {"dimension": dimension}]


def test_a_refused_save_keeps_the_rest_and_says_you_in_another_tab(client, world):
    draft = world["draft"]
    client.force_login(world["official"])
    first_tab = step_post_data(client.get(page_url(draft, "S")))
    second_tab = dict(first_tab, **{"i_S1_1-level": "4"})
    assert client.post(page_url(draft, "S"), second_tab).status_code == 302
    first_tab.update({"i_S1_1-level": "1", "i_S2_1-level": "3"})
    response = client.post(page_url(draft, "S"), first_tab)
    assert response.status_code == 409
    levels = dict(draft.answers.values_list("indicator__code", "level"))
    assert levels == {"S1.1": 4, "S2.1": 3}  # the conflict is not written; the rest is
    page = response.content.decode()
    assert zh("changed by you, in another tab, at %(when)s").split("%")[0] in page
    assert "li.wei" not in page.split('id="conflicts"')[1].split("</div>")[0]
    assert response.context["form"]["i_S1_1-level"].value() == "1"  # what the user chose stays in the form
    assert 'href="#conflicts"' in texts(response)[-1]


def test_an_invalid_save_says_so_at_the_top_with_a_link_to_the_first_error(client, world):
    draft = world["draft"]
    client.force_login(world["official"])
    data = step_post_data(client.get(page_url(draft, "S")))
    data.update({"i_S1_2-level": "9", "i_S2_1-level": "7"})
    response = client.post(page_url(draft, "S"), data)
    assert response.status_code == 400
    [message] = texts(response)
    assert message.startswith(zh("Not saved: %(count)d indicator needs correcting.").split("%")[0])
    assert 'href="#indicator-i_S1_2"' in message
    page = response.content.decode()
    assert page.index(message) < page.index('id="indicator-i_S1_2"')


def test_an_incomplete_draft_shows_a_provisional_score_without_a_tier(client, world):
    draft = world["draft"]
    for code in ("S1.1", "S1.2", "O1.1"):
        answer(draft, code, 3)
    client.force_login(world["official"])
    provisional = zh("%(score)s · provisional, %(share)s answered") % {"score": "75.0", "share": "50%"}
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert provisional in dashboard and "tier-advanced" not in dashboard
    results = client.get(reverse("results", args=[draft.pk])).content.decode()
    assert zh("provisional, %(share)s answered") % {"share": "50%"} in results
    assert 'class="badge' not in results.split('id="score-table"')[1].split("</table>")[0]
    assert "tier-advanced" not in results and "tier-none" not in results
    for code in ("S2.1", "O1.2", "D1.1"):
        answer(draft, code, 3)
    assert "tier-advanced" in client.get(reverse("dashboard")).content.decode()
