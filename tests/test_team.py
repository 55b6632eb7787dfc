"""A region's team: the coordinator invites contributors and assigns parts; a contributor sees and
answers only their parts; independent answers are kept apart until the coordinator sets the
consolidated one; the team page's queries stay constant as assignments grow."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments import team
from assessments.consensus import DISAGREEMENT_LEVELS, indicator_spread, level_range, part_spread
from assessments.models import Answer, Assessment, Assignment, Response
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import step_post_data

SHAPE = {dim: {f"{dim}1": [(1.0, False), (1.0, False)], f"{dim}2": [(1.0, False)]} for dim in "SODPA"}


# --- The disagreement measures (pure) -------------------------------------------------------------

levels = st.lists(st.integers(0, 4), min_size=2, max_size=8)
values = st.lists(st.one_of(st.integers(0, 4), st.just("na"), st.none()), max_size=8)


@given(levels)
def test_range_and_deviation_bounds(given_levels):
    spread = indicator_spread(code="X", values=given_levels)
    assert spread.range == max(given_levels) - min(given_levels)
    assert 0 <= spread.deviation <= spread.range / 2 + 1e-9  # MAD never exceeds half the range
    assert (spread.range == 0) == (spread.deviation == 0) == (len(set(given_levels)) == 1)
    assert spread.disagreement == (spread.range >= DISAGREEMENT_LEVELS)


@given(levels, st.integers(-4, 4), st.randoms())
def test_measures_ignore_order_and_a_common_shift(given_levels, shift, rng):
    shifted = [min(4, max(0, level + shift)) for level in given_levels]
    if shifted == [level + shift for level in given_levels]:  # no clipping: a pure shift
        assert indicator_spread(code="X", values=shifted).deviation == pytest.approx(
            indicator_spread(code="X", values=given_levels).deviation)
    shuffled = list(given_levels)
    rng.shuffle(shuffled)
    assert indicator_spread(code="X", values=shuffled).deviation == pytest.approx(
        indicator_spread(code="X", values=given_levels).deviation)


@given(st.dictionaries(st.sampled_from(["A1.1", "A1.2", "A1.3"]), values))
def test_not_applicable_and_unanswered_are_left_out_and_the_part_spread_is_the_mean(answers):
    part = part_spread(values=answers)
    deviations = []
    for item in part.indicators:
        numbers = [v for v in item.values if isinstance(v, int)]
        assert item.range == (max(numbers) - min(numbers) if len(numbers) >= 2 else None)
        assert item.mixed_na == ("na" in item.values and bool(numbers))
        if item.deviation is not None:
            deviations.append(item.deviation)
    assert part.spread == (pytest.approx(sum(deviations) / len(deviations)) if deviations else None)
    assert 0 <= (part.spread or 0) <= 2
    assert {i.code for i in part.disagreements} == {i.code for i in part.indicators if (i.range or 0) >= 2}


def test_a_worked_example():
    assert level_range([1, 3, "na", None]) == 2
    spread = part_spread(values={"O1.1": [3, 1], "O1.2": [1, 1], "O1.3": [4]})
    assert [i.deviation for i in spread.indicators] == [1.0, 0.0, None]
    assert spread.spread == 0.5 and [i.code for i in spread.disagreements] == ["O1.1"]


# --- The pages ------------------------------------------------------------------------------------

@pytest.fixture
def crew(db):
    framework = build_framework(SHAPE)
    region = RegionFactory()
    official, strategy, data, sensing = (UserFactory(username=name) for name in
                                         ("coordinator", "strategy", "data", "sensing"))
    region.officials.add(official)
    region.contributors.add(strategy, data, sensing)
    draft = AssessmentFactory(region=region, framework=framework, title="团队草稿")
    Assignment.objects.create(assessment=draft, user=strategy, part="S")
    Assignment.objects.create(assessment=draft, user=data, part="D")
    for user in (data, sensing):
        Assignment.objects.create(assessment=draft, user=user, part="O1", independent=True)
    return {"framework": framework, "region": region, "official": official, "strategy": strategy, "data": data,
            "sensing": sensing, "draft": draft}


def signed_in(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def step(client: Client, draft: Assessment, code: str):
    return client.get(reverse("questionnaire", args=[draft.pk]) + f"?step={code}")


@pytest.mark.django_db
def test_a_contributor_sees_only_their_parts_and_a_post_to_another_part_stores_nothing(crew):
    strategy, draft = signed_in(crew["strategy"]), crew["draft"]
    page = step(strategy, draft, "S")
    html = page.content.decode()
    assert page.status_code == 200 and "Your parts: S" in html
    assert "您负责的部分：S" in step(signed_in(crew["strategy"], "zh-hans"), draft, "S").content.decode()
    assert 'href="?step=S"' in html and 'href="?step=D"' not in html and 'href="?step=O"' not in html
    assert "Submit the assessment" not in html and reverse("results", args=[draft.pk]) not in html
    redirected = step(strategy, draft, "D")  # another part: not shown
    assert redirected.status_code == 302 and redirected["Location"].endswith("?step=S")
    official_d = step_post_data(step(signed_in(crew["official"]), draft, "D"))
    official_d["i_D1_1-level"] = "3"
    refused = strategy.post(reverse("questionnaire", args=[draft.pk]) + "?step=D", official_d)
    assert refused.status_code == 403
    assert "Not saved: D1.1, D1.2, D2.1 are not in your parts (S)" in refused.content.decode()
    # a step of one's own part with an indicator of another part smuggled in: refused as a whole
    mixed = step_post_data(page)
    mixed["i_S1_1-level"], mixed["i_D1_1-level"] = "2", "4"
    refused = strategy.post(reverse("questionnaire", args=[draft.pk]) + "?step=S", mixed)
    assert refused.status_code == 403 and "D1.1" in refused.content.decode()
    assert not Answer.objects.filter(assessment=draft).exists()
    assert 'value="2" checked' in refused.content.decode() or 'checked value="2"' in refused.content.decode() \
        or refused.context["form"]["i_S1_1-level"].value() == "2"  # the own input is still on the page
    mine = step_post_data(page)
    mine["i_S1_1-level"] = "2"
    assert strategy.post(reverse("questionnaire", args=[draft.pk]) + "?step=S", mine).status_code == 302
    saved = Answer.objects.get(assessment=draft, indicator__code="S1.1")
    assert (saved.level, saved.updated_by) == (2, crew["strategy"])
    # never submit, results, team page or another assessment
    assert strategy.post(reverse("submit", args=[draft.pk])).status_code == 404
    assert strategy.get(reverse("results", args=[draft.pk])).status_code == 404
    assert strategy.get(reverse("team", args=[draft.pk])).status_code == 404
    other = AssessmentFactory(region=crew["region"], framework=crew["framework"])
    assert step(strategy, other, "S").status_code == 404  # not assigned there
    assert not Assessment.objects.get(pk=draft.pk).is_submitted
    official_page = step(signed_in(crew["official"]), draft, "S").content.decode()
    assert "Answered by strategy" in official_page  # who last set it
    dashboard = strategy.get(reverse("dashboard")).content.decode()
    assert "团队草稿" in dashboard and "My parts" in dashboard and ": S" in dashboard


@pytest.mark.django_db
def test_independent_answers_stay_apart_until_the_coordinator_sets_the_consensus(crew):
    draft = crew["draft"]
    for name, levels in (("data", ("4", "2")), ("sensing", ("1", "2"))):
        client = signed_in(crew[name])
        data = step_post_data(step(client, draft, "O"))
        assert "i_O2_1-level" not in data  # O2 is nobody's part here
        data["i_O1_1-level"], data["i_O1_2-level"] = levels
        data["i_O1_1-evidence"] = f"{name} 的证据"
        assert client.post(reverse("questionnaire", args=[draft.pk]) + "?step=O", data).status_code == 302
    assert not Answer.objects.filter(assessment=draft).exists()  # only their own responses
    assert Response.objects.filter(assessment=draft).count() == 4
    page = step(signed_in(crew["sensing"]), draft, "O")
    assert page.context["form"]["i_O1_1-level"].value() == "1"  # their own, never the other's
    assert "data 的证据" not in page.content.decode()
    official = signed_in(crew["official"])
    consensus_url = reverse("consensus", args=[draft.pk, "O1"])
    shown = official.get(consensus_url)
    html = shown.content.decode()
    assert "data 的证据" in html and "sensing 的证据" in html
    rows = {row.indicator.code: row for row in shown.context["rows"]}
    assert (rows["O1.1"].range, rows["O1.2"].range) == (3, 0)
    assert shown.context["spread"].spread == pytest.approx(0.75)  # (1.5 + 0) / 2
    data = step_post_data(shown)
    data["i_O1_1-level"] = "3"
    assert official.post(consensus_url, data).status_code == 302
    answer = Answer.objects.get(assessment=draft, indicator__code="O1.1")
    assert (answer.level, answer.updated_by) == (3, crew["official"])
    assert Response.objects.filter(assessment=draft).count() == 4  # the disagreement stays on record
    detail = official.get(f"/api/assessments/{draft.pk}").json()
    o11 = next(a for a in detail["answers"] if a["indicator"] == "O1.1")
    assert o11["answered_by"] == "coordinator"
    assert o11["responses"] == [{"by": "data", "level": 4}, {"by": "sensing", "level": 1}]
    from assessments.reports import report_context, report_html
    context = report_context(assessment=Assessment.objects.get(pk=draft.pk))
    assert [row.indicator.code for row in context["disagreements"]] == ["O1.1"]
    html = report_html(assessment=Assessment.objects.get(pk=draft.pk), language="en")
    appendix = html[html.index('id="disagreements-table"'):]
    assert "Appendix: where respondents differed" in html and "data: 4 Leading; sensing: 1 Initial" in appendix


@pytest.mark.django_db
def test_the_coordinator_invites_assigns_reassigns_and_sees_progress(crew):
    draft, official = crew["draft"], signed_in(crew["official"])
    invited = official.post(reverse("team_invite", args=[draft.pk]),
                            {"identifier": "platform@example.org", "name": "大数据中心"})
    assert invited.status_code == 200
    link = invited.context["set_password_url"]
    assert "/accounts/reset/" in link and link in invited.content.decode()
    newcomer = crew["region"].contributors.get(email="platform@example.org")
    assert newcomer.username == "platform" and not newcomer.has_usable_password()
    again = official.get(reverse("team", args=[draft.pk])).content.decode()
    assert link not in again  # shown once
    refused = official.post(reverse("team_invite", args=[draft.pk]), {"identifier": "coordinator"})
    assert refused.status_code == 400 and "already an official" in refused.content.decode()
    assert official.post(reverse("team_assign", args=[draft.pk]),
                         {"user": newcomer.pk, "part": "P", "independent": ""}).status_code == 302
    bad = official.post(reverse("team_assign", args=[draft.pk]), {"user": newcomer.pk, "part": "Z9"})
    assert bad.status_code == 400 and Assignment.objects.filter(part="Z9").count() == 0
    part_s = Assignment.objects.get(assessment=draft, part="S")
    assert official.post(reverse("team_reassign", args=[draft.pk, part_s.pk]),
                         {"user": newcomer.pk}).status_code == 302
    assert Assignment.objects.get(pk=part_s.pk).user == newcomer
    Answer.objects.create(assessment=draft, indicator=crew["framework"].dimensions.get(code="P")
                          .subdimensions.get(code="P1").indicators.get(code="P1.1"), level=2)
    page = official.get(reverse("team", args=[draft.pk]))
    parts = {row.part.code: (row.answered, row.total) for row in page.context["part_rows"]}
    assert parts == {"S": (0, 3), "O1": (0, 2), "D": (0, 3), "P": (1, 3)}
    people = {person.user.username: (person.parts, person.answered, person.total) for person in page.context["people"]}
    assert people["platform"] == (("S", "P"), 1, 6)
    assert people["data"] == (("O1", "D"), 0, 5)  # in questionnaire order


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_team_page_query_count_does_not_grow_with_assignments(crew, django_assert_num_queries):
    draft, official = crew["draft"], signed_in(crew["official"])
    url = reverse("team", args=[draft.pk])
    official.get(url)
    with CaptureQueriesContext(connection) as few:
        official.get(url)
    for number in range(8):
        user = UserFactory(username=f"bureau{number}")
        crew["region"].contributors.add(user)
        for part in ("A", "A1", "P2"):
            team.assign(assessment=draft, user=user, part=part, independent=number % 2 == 0, by=None,
                        framework=crew["framework"])
    with django_assert_num_queries(len(few)):
        page = official.get(url)
    assert len(page.context["part_rows"]) == 6
    assert len(few) == 18  # session, user, roles with the assessment, questionnaire, assignments, answers, inbox badge…


def test_an_assignment_reaches_the_contributors_inbox(crew):
    from assessments.inbox_models import Notification

    draft, helper = crew["draft"], crew["strategy"]
    before = Notification.objects.filter(user=helper).count()
    team.assign(assessment=draft, user=helper, part="P", independent=False, by=crew["official"],
                framework=crew["framework"])
    team.assign(assessment=draft, user=helper, part="P", independent=False, by=crew["official"],
                framework=crew["framework"])  # the same again: nothing new to say
    notes = list(Notification.objects.filter(user=helper).order_by("pk"))[before:]
    assert [(n.kind, n.params["parts"], n.assessment_id) for n in notes] == [("assignment", "P", draft.pk)]


def test_on_an_independent_part_each_sees_only_their_own_files(crew, settings, tmp_path):
    from django.core.files.base import ContentFile

    from assessments.evidence import attach_evidence
    from frameworks.models import Indicator
    from tests.evidence_samples import png_bytes

    settings.STORAGES = {**settings.STORAGES, "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    draft = crew["draft"]
    o11 = Indicator.objects.get(subdimension__dimension__framework=crew["framework"], code="O1.1")
    for name in ("data", "sensing"):
        attach_evidence(assessment=draft, indicator=o11, name=f"{name}-台账.png", file=ContentFile(png_bytes()),
                        user=crew[name])
    seen = {name: step(signed_in(crew[name]), draft, "O").content.decode() for name in ("data", "sensing")}
    assert "data-台账.png" in seen["data"] and "sensing-台账.png" not in seen["data"]
    assert "sensing-台账.png" in seen["sensing"] and "data-台账.png" not in seen["sensing"]
    both = step(signed_in(crew["official"]), draft, "O").content.decode()  # the coordinator sees both
    assert "data-台账.png" in both and "sensing-台账.png" in both
