"""Who can DO what: one rule table, checked three ways for every persona × action × own/other region.

1. The predicate in assessments/access.py gives the table's answer.
2. The view does it: a permitted POST changes the database as the user asked (a page or file shows
   the assessment); a refused one answers 403 inside one's regions, 404 outside them (existence is not
   disclosed), a sign-in redirect when signed out, and changes nothing.
3. Every URL pattern is in `URLS` (`test_every_url_pattern_is_in_the_table`): a new view cannot
   escape the table.

The world: two regions, "own" (the official's, the consultant's, the assessor's and the contributor's)
and "other" (where they have no role). In each: a complete draft, a submitted assessment (its review
started by the region's consultant, with S1.2 queried) and a plan item on the draft; the region's
contributor has part S of the draft, a second contributor part D, independently. A contributor sees
only the questionnaire of their parts and attaches, deletes and reads the evidence files there: every
other page, and the files of other parts, answer 404, like another region (behaviour within the
questionnaire: tests/test_team.py). The assessor is a third-party evaluator of "own" only."""

import copy
import csv
import io
import json

import openpyxl
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments import access, review
from assessments.evidence import attach_evidence
from assessments.models import Answer, Assessment, Assignment, Comment, EvidenceFile, PlanItem
from assessments.review_models import AnswerReview, ReviewMessage
from frameworks.models import Indicator
from tests.evidence_samples import png_bytes
from tests.factories import AssessmentFactory, UserFactory, build_framework
from tests.helpers import SMALL_SHAPE, fill, make_people, rolled_back, step_post_data

pytestmark = pytest.mark.django_db

# --- The rule table -------------------------------------------------------------------------------

PLAN = {"plan_add", "plan_edit", "plan_delete"}
EVIDENCE = {"evidence_upload", "evidence_delete"}
TEAM = {"team", "invite", "assign", "reassign", "unassign", "consensus"}
ACTIONS = ("see", "create", "answer", "submit", "reopen", "comment", *sorted(PLAN), *sorted(TEAM), "review",
           "respond", *sorted(EVIDENCE))
# What each role in a region may do there ("read_questionnaire": a GET of the questionnaire).
ROLE_CAN: dict[str | None, set[str]] = {
    "official": {"see", "read_questionnaire", "read_evidence", "create", "answer", "submit", "comment", *PLAN,
                 *TEAM, "respond", *EVIDENCE},
    "consultant": {"see", "read_questionnaire", "read_evidence", "comment", "reopen", "review"},
    # their parts only (the world's file is on S1.1, in their part S); all else 404
    "contributor": {"read_questionnaire", "answer", "read_evidence", *EVIDENCE},
    # a third-party evaluator: reads and reviews, never comments nor reopens
    "assessor": {"see", "read_questionnaire", "read_evidence", "review"},
    "admin": set(ACTIONS),
    None: set(),  # no role in the region: 404 for everything
}
HIDDEN_ROLES = {None, "contributor"}  # what they may not do answers 404: its existence is not disclosed

# THE ADMIN ROWS, in one place. `is_staff` grants no role in any region (issue 11): the admin (a framework
# editor, staff) sees only regions they are a member of, and in this world they are a member of none.
ADMIN_ROLE_IN_EVERY_REGION: str | None = None

# persona → their role in the "own" and the "other" region. Signed-out personas meet the sign-in page.
ROLES: dict[str, dict[str, str | None]] = {
    "official": {"own": "official", "other": None},
    "consultant": {"own": "consultant", "other": None},
    "contributor": {"own": "contributor", "other": None},
    "assessor": {"own": "assessor", "other": None},
    "admin": {"own": ADMIN_ROLE_IN_EVERY_REGION, "other": ADMIN_ROLE_IN_EVERY_REGION},
    "nobody": {"own": None, "other": None},
}
SIGNED_OUT = ("anonymous", "deactivated")  # the deactivated user is an official of "own"
PERSONAS = (*ROLES, *SIGNED_OUT)
RELATIONS = ("own", "other")


def may(persona: str, action: str, relation: str) -> bool:
    return action in ROLE_CAN[ROLES[persona][relation]]


def expected_status(persona: str, action: str, relation: str) -> str:
    if persona in SIGNED_OUT:
        return "sign-in"
    if may(persona, action, relation):
        return "done"
    return "404" if ROLES[persona][relation] in HIDDEN_ROLES else "403"


# url name → the action it performs (None: not a per-region action; covered where named).
URLS: dict[str, str | None] = {
    "dashboard": None, "portfolio": None, "portfolio_export_xlsx": None, "portfolio_export_csv": None,  # lists
    "portfolio_report_pdf": None,
    "create_assessment": "create",
    "questionnaire": "answer",  # GET: "see"
    "submit": "submit", "reopen": "reopen", "comment": "comment",
    "results": "see", "report_pdf": "see", "report_docx": "see", "report_prepare": "see", "report_status": "see",
    "assessment_export_xlsx": "see", "assessment_export_csv": "see", "region_history": "see",
    "plan_add": "plan_add", "plan_edit": "plan_edit", "plan_delete": "plan_delete",
    "team": "team", "team_invite": "invite", "team_assign": "assign", "team_reassign": "reassign",
    "team_unassign": "unassign", "consensus": "consensus",  # GET: "team"
    "evidence_upload": "evidence_upload", "evidence_delete": "evidence_delete",
    "evidence_download": "see", "evidence_zip": "see",
    "api_tokens": None,  # the user's own tokens, whatever their regions: tests/test_api.py
    "move_assessment": None,  # officials of the region, drafts only, 404 elsewhere: tests/test_move_edition.py
    "review": "see", "review_start": "review", "review_mark": "review", "review_verify": "review",
    "review_respond": "respond",
    "inbox": None, "inbox_read": None,  # the user's own notifications, whatever their regions: tests/test_review.py
}
# Public or framework-provided pages with their own tests (Django's auth views, language switch).
OUTSIDE_THE_TABLE = {"login", "logout", "password_change", "password_change_done", "password_reset",
                     "password_reset_done", "password_reset_confirm", "password_reset_complete", "set_language"}
# The JSON API (401 rather than a sign-in redirect): tests/test_api.py and tests/test_api_schema.py.
OUTSIDE_THE_TABLE |= {"api_frameworks", "api_framework_version", "api_regions", "api_region",
                      "api_region_assessments", "api_region_history", "api_assessment", "api_assessment_scores",
                      "api_assessment_recommendations", "api_benchmarks", "openapi-json", "openapi-view",
                      "api-root", "api_token_revoke"}
# The methods each view answers; every other one gets 405.
POST_ONLY = {"create_assessment", "submit", "reopen", "comment", "report_prepare", *PLAN, "team_invite",
             "team_assign", "team_reassign", "team_unassign", *EVIDENCE, "review_start",
             "review_mark", "review_respond", "review_verify", "inbox_read"}
GET_ONLY = {"team", "dashboard", "portfolio", "portfolio_export_xlsx", "portfolio_export_csv", "portfolio_report_pdf",
            "results", "report_pdf", "report_docx", "report_status", "assessment_export_xlsx", "assessment_export_csv",
            "region_history", "review", "inbox", "evidence_download", "evidence_zip"}


def named_patterns(patterns=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # the admin site: staff only, guarded by Django itself (test_the_admin_site_is_for_staff_only)
            yield from named_patterns(pattern.url_patterns)
        else:
            yield pattern.name


def test_every_url_pattern_is_in_the_table():
    assert set(named_patterns()) - OUTSIDE_THE_TABLE == set(URLS), "add new URL patterns to URLS"
    assert set(URLS) >= POST_ONLY | GET_ONLY


# --- The world ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world, built once per module (and pytest-xdist worker); each test's writes are rolled back."""
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock():
            rows = build_world()
        yield rows


@pytest.fixture
def world(built_world, db):
    """The module's world as fresh Python objects: a test that changes an instance in memory does not pass
    the change on to the next test (the database rows are rolled back for each test already)."""
    return copy.deepcopy(built_world)


def build_world() -> dict:
    framework = build_framework(SMALL_SHAPE)  # who may do what does not depend on the guide's content
    people = {**make_people(), "contributor": UserFactory(username="contributor")}
    things = {}
    for relation in RELATIONS:
        region = people[relation]
        draft = AssessmentFactory(region=region, framework=framework, title=f"{relation} draft")
        fill(draft, 2)
        submitted = AssessmentFactory(region=region, framework=framework, title=f"{relation} submitted",
                                      status=Assessment.Status.SUBMITTED)
        fill(submitted, 3)
        item = PlanItem.objects.create(assessment=draft, action=f"{relation} plan item", owner="数据资源局",
                                       target_date="2026-12-31")
        contributor = people["contributor"] if relation == "own" else UserFactory(username="other_contributor")
        helper = UserFactory(username=f"{relation}_helper")
        region.contributors.add(contributor, helper)
        part_s = Assignment.objects.create(assessment=draft, user=contributor, part="S")
        part_d = Assignment.objects.create(assessment=draft, user=helper, part="D", independent=True)
        reviewer = people["consultant" if relation == "own" else "other_consultant"]
        review.start_review(assessment=submitted, user=reviewer)
        review.query_answer(assessment=submitted, user=reviewer, code="S1.2", comment="规则表质询 S1.2")
        s1_1 = Indicator.objects.get(subdimension__dimension__framework=framework, code="S1.1")
        evidence = attach_evidence(assessment=draft, indicator=s1_1, name=f"{relation} evidence.png",
                                   file=ContentFile(png_bytes()), user=None)
        things[relation] = {"region": region, "draft": draft, "submitted": submitted, "plan_item": item,
                            "part_s": part_s, "part_d": part_d, "helper": helper,
                            "indicator": s1_1, "evidence_file": evidence}
    assessor = UserFactory(username="assessor")
    people["own"].assessors.add(assessor)
    people["assessor"] = assessor
    deactivated = UserFactory(username="deactivated", is_active=False)
    Assignment.objects.create(assessment=things["own"]["draft"], user=deactivated, part="S")
    people["own"].contributors.add(deactivated)
    people["own"].officials.add(deactivated)
    world = {**people, "deactivated": deactivated, **things}
    # One session per persona for the whole module: signing in (sessions, django-axes, the sign-in log)
    # cost this file a fifth of its time when each page of the table signed in again.
    world["sessions"] = {persona: _signed_in(world[persona]) for persona in PERSONAS if persona != "anonymous"}
    return world


def _signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def client_for(world, persona: str) -> Client:
    """A client signed in as the persona, with the module's session of theirs (a test's changes to it are
    rolled back with the test); signed in anew if that session has ended or the test added the persona."""
    client = Client()
    if persona == "anonymous":
        return client
    key = world["sessions"].get(persona)
    if key and Session.objects.filter(session_key=key, expire_date__gt=timezone.now()).exists():
        client.cookies[settings.SESSION_COOKIE_NAME] = key
    else:
        client.force_login(world[persona])
    return client


# --- 1. The predicates ----------------------------------------------------------------------------

def predicate(action: str, user, things: dict) -> bool:
    draft, submitted, region = things["draft"], things["submitted"], things["region"]
    return {
        "see": access.regions_visible_to(user).filter(pk=region.pk).exists(),
        "create": access.can_create_assessment(user, region),
        "answer": access.can_edit(user, draft) or access.can_contribute(user, draft),
        "submit": access.can_submit(user, draft),
        "reopen": access.can_reopen(user, submitted),
        "comment": access.can_comment(user, draft),
        "plan_add": access.may_answer(user, region),
        "plan_edit": access.may_answer(user, region),
        "plan_delete": access.may_answer(user, region),
        **{team_action: access.can_manage_team(user, draft) for team_action in TEAM},
        "review": access.can_review(user, submitted),
        "respond": access.can_respond_to_review(user, submitted),
        "evidence_upload": access.can_attach_evidence(user, draft, indicator=things["indicator"]),
        "evidence_delete": access.can_attach_evidence(user, draft, indicator=things["indicator"]),
    }[action]


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("persona", ROLES)
def test_the_access_predicates_follow_the_table(world, persona, relation):
    got = {action: predicate(action, world[persona], world[relation]) for action in ACTIONS}
    assert got == {action: may(persona, action, relation) for action in ACTIONS}


def test_the_role_predicates_refuse_what_the_status_forbids(world):
    """Answering and submitting need a draft, reopening a submitted assessment, whoever asks."""
    for persona in ROLES:
        user, own = world[persona], world["own"]
        assert not access.can_edit(user, own["submitted"]) and not access.can_submit(user, own["submitted"])
        assert not access.can_reopen(user, own["draft"])


# --- 2. The views: writes -------------------------------------------------------------------------

def answer_s1_1(world, things):
    """The S step as the page renders it, with S1.1 moved from level 2 to 4."""
    reader = Client()  # the region's own official reads the page
    reader.force_login(world["official" if things is world["own"] else "other_official"])
    url = reverse("questionnaire", args=[things["draft"].pk]) + "?step=S"
    data = step_post_data(reader.get(url))
    data["i_S1_1-level"] = "4"
    return url, data


def plan_form(prefix: str, action: str) -> dict:
    values = {"action": action, "owner": "数据资源局", "target_date": "2027-06-30", "indicator": "",
              "target_level": "", "status": "planned"}
    return {f"{prefix}-{key}": value for key, value in values.items()}


def perform(action: str, world, things, client: Client):
    """Do `action` on `things` through the view; returns (response, did_it_happen)."""
    draft, submitted, item = things["draft"], things["submitted"], things["plan_item"]
    if action == "create":
        response = client.post(reverse("create_assessment", args=[things["region"].pk]), {"title": "规则表新建"})
        return response, lambda: Assessment.objects.filter(region=things["region"], title="规则表新建").exists()
    if action == "answer":
        url, data = answer_s1_1(world, things)
        response = client.post(url, data)
        return response, lambda: Answer.objects.get(assessment=draft, indicator__code="S1.1").level == 4
    if action == "submit":
        response = client.post(reverse("submit", args=[draft.pk]))
        return response, lambda: Assessment.objects.get(pk=draft.pk).is_submitted
    if action == "reopen":
        response = client.post(reverse("reopen", args=[submitted.pk]), {"note": "请补充证据"})
        return response, lambda: not Assessment.objects.get(pk=submitted.pk).is_submitted
    if action == "comment":
        response = client.post(reverse("comment", args=[draft.pk]), {"text": "规则表评论"})
        return response, lambda: Comment.objects.filter(assessment=draft, text="规则表评论").exists()
    if action == "plan_add":
        response = client.post(reverse("plan_add", args=[draft.pk]), plan_form("plan", "新增的行动"))
        return response, lambda: PlanItem.objects.filter(assessment=draft, action="新增的行动").exists()
    if action in TEAM:
        return perform_team(action, world, things, client)
    if action == "plan_edit":
        response = client.post(reverse("plan_edit", args=[draft.pk, item.pk]),
                               plan_form(f"plan-{item.pk}", "改过的行动"))
        return response, lambda: PlanItem.objects.get(pk=item.pk).action == "改过的行动"
    if action == "review":
        response = client.post(reverse("review_mark", args=[submitted.pk]),
                               {"indicator": "S1.1", "decision": "query", "comment": "规则表的质询"})
        return response, lambda: AnswerReview.objects.filter(review__assessment=submitted, indicator__code="S1.1",
                                                             state="queried").exists()
    if action == "respond":
        response = client.post(reverse("review_respond", args=[submitted.pk]),
                               {"indicator": "S1.2", "text": "规则表的回复"})
        return response, lambda: ReviewMessage.objects.filter(text="规则表的回复").exists()
    if action == "evidence_upload":
        response = client.post(reverse("evidence_upload", args=[draft.pk, things["indicator"].pk]),
                               {"files": [SimpleUploadedFile("规则表证据.png", png_bytes())]})
        return response, lambda: EvidenceFile.objects.filter(assessment=draft, original_name="规则表证据.png").exists()
    if action == "evidence_delete":
        evidence = things["evidence_file"]
        response = client.post(reverse("evidence_delete", args=[draft.pk, evidence.pk]))
        return response, lambda: not EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert action == "plan_delete"
    response = client.post(reverse("plan_delete", args=[draft.pk, item.pk]))
    return response, lambda: not PlanItem.objects.filter(pk=item.pk).exists()


def perform_team(action: str, world, things, client: Client):
    draft, part_s, part_d = things["draft"], things["part_s"], things["part_d"]
    if action == "invite":
        response = client.post(reverse("team_invite", args=[draft.pk]), {"identifier": "规则表新人"})
        return response, lambda: things["region"].contributors.filter(username="规则表新人").exists()
    if action == "assign":
        response = client.post(reverse("team_assign", args=[draft.pk]),
                               {"user": things["helper"].pk, "part": "O1", "independent": ""})
        return response, lambda: Assignment.objects.filter(assessment=draft, part="O1").exists()
    if action == "reassign":
        response = client.post(reverse("team_reassign", args=[draft.pk, part_s.pk]), {"user": things["helper"].pk})
        return response, lambda: Assignment.objects.get(pk=part_s.pk).user_id == things["helper"].pk
    if action == "unassign":
        response = client.post(reverse("team_unassign", args=[draft.pk, part_d.pk]))
        return response, lambda: not Assignment.objects.filter(pk=part_d.pk).exists()
    assert action == "consensus"
    reader = Client()
    reader.force_login(world["official" if things is world["own"] else "other_official"])
    url = reverse("consensus", args=[draft.pk, "S1"])
    data = step_post_data(reader.get(url))
    data["i_S1_1-level"] = "4"
    response = client.post(url, data)
    return response, lambda: Answer.objects.get(assessment=draft, indicator__code="S1.1").level == 4


WRITES = [action for action in ACTIONS if action not in ("see", "team")]  # the team page: a read


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", WRITES)
def test_each_write_happens_exactly_when_the_table_allows_it(world, action, persona, relation):
    things = world[relation]
    response, happened = perform(action, world, things, client_for(world, persona))
    outcome = expected_status(persona, action, relation)
    if outcome == "done":
        assert response.status_code in (200, 302), response.content.decode()[:500]  # an invite shows its link
        assert happened()
        return
    assert not happened()
    if outcome == "sign-in":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == int(outcome)
        page = response.content.decode()
        for relation_ in RELATIONS:  # an error page names nothing of either region
            assert f"{relation_} draft" not in page and f"{relation_} plan item" not in page


# --- 2. The views: reads --------------------------------------------------------------------------

def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


def _csv_text(content: bytes) -> str:
    return " ".join(" ".join(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    return " ".join([p.text for p in document.paragraphs]
                    + [cell.text for table in document.tables for row in table.rows for cell in row.cells])


def _pdf_text(content: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def _page(response, things) -> bool:
    return things["submitted"].title in response.content.decode() and things["region"].name in response.content.decode()


# label → (url name, query, method, what it is about, what the user gets when it is allowed).
READS = {
    "questionnaire": ("questionnaire", "", "GET", "draft", lambda r, t: t["draft"].title in r.content.decode()),
    "results": ("results", "", "GET", "submitted", _page),
    "report_pdf": ("report_pdf", "?lang=en", "GET", "submitted", lambda r, t: r.content.startswith(b"%PDF")),
    "report_docx": ("report_docx", "?lang=en", "GET", "submitted",
                    lambda r, t: t["submitted"].title in _docx_text(r.content)),
    "report_prepare": ("report_prepare", "?lang=en", "POST", "submitted",
                       lambda r, t: json.loads(r.content)["status"] == "ready"),
    "report_status": ("report_status", "?lang=en", "GET", "submitted",
                      lambda r, t: json.loads(r.content)["status"] in ("none", "ready")),
    "assessment_export_xlsx": ("assessment_export_xlsx", "", "GET", "submitted",
                               lambda r, t: t["submitted"].title in _xlsx_text(r.content)),
    "assessment_export_csv_answers": ("assessment_export_csv", "?part=answers", "GET", "submitted",
                                      lambda r, t: t["submitted"].title in _csv_text(r.content)),
    "assessment_export_csv_scores": ("assessment_export_csv", "?part=scores", "GET", "submitted",
                                     lambda r, t: t["submitted"].title in _csv_text(r.content)),
    "region_history": ("region_history", "", "GET", "region", _page),
    "team": ("team", "", "GET", "draft", lambda r, t: t["helper"].username in r.content.decode()),
    "consensus": ("consensus", "D1", "GET", "draft", lambda r, t: t["draft"].title in r.content.decode()),
    "review": ("review", "", "GET", "submitted", lambda r, t: t["submitted"].title in r.content.decode()
               and "规则表质询 S1.2" in r.content.decode()),
    "evidence_download": ("evidence_download", "", "GET", "evidence_file",
                          lambda r, t: _streamed(r) == t["evidence_file"].file.open("rb").read()),
    "evidence_zip": ("evidence_zip", "", "GET", "draft",
                     lambda r, t: f"S1.1/{t['evidence_file'].original_name}" in _zip_names(r)),
}
READ_ACTION = {"questionnaire": "read_questionnaire", "team": "team", "consensus": "team",
               "evidence_download": "read_evidence"}


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def _zip_names(response) -> list[str]:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(_streamed(response))).namelist()


def _read_args(things, about: str) -> list[int]:
    """The URL's arguments: the object's id, and for a file its assessment's id first."""
    if about == "evidence_file":
        return [things["draft"].pk, things["evidence_file"].pk]
    return [things[about].pk]


@pytest.mark.parametrize("label", sorted(READS))
def test_each_page_and_file_is_shown_exactly_when_the_table_allows_it(world, label):
    name, query, method, about, shows = READS[label]
    action = READ_ACTION.get(name, "see")
    assert URLS[name] == "see" or name in READ_ACTION
    for relation in RELATIONS:
        things = world[relation]
        url = reverse(name, args=[things[about].pk, query]) if name == "consensus" else (
            reverse(name, args=_read_args(things, about)) + query)
        for persona in PERSONAS:
            client = client_for(world, persona)
            response = client.post(url) if method == "POST" else client.get(url)
            outcome = expected_status(persona, action, relation)
            where = (label, persona, relation, response.status_code)
            if outcome == "done":
                assert response.status_code == 200 and shows(response, things), where
            elif outcome == "sign-in":
                assert response.status_code == 302 and response["Location"].startswith(reverse("login")), where
            else:
                assert response.status_code == int(outcome), where
                assert things["submitted"].title not in response.content.decode(errors="replace"), where


def test_a_contributor_meets_404_for_the_evidence_of_other_parts(world):
    draft = world["own"]["draft"]
    d1_1 = Indicator.objects.select_related("subdimension__dimension").get(
        subdimension__dimension__framework=draft.framework, code="D1.1")
    theirs = attach_evidence(assessment=draft, indicator=d1_1, name="D 部分的证据.png", file=ContentFile(png_bytes()),
                             user=world["own"]["helper"])
    client = client_for(world, "contributor")  # part S only
    upload = client.post(reverse("evidence_upload", args=[draft.pk, d1_1.pk]),
                         {"files": [SimpleUploadedFile("越界.png", png_bytes())]})
    assert upload.status_code == 404
    assert client.get(reverse("evidence_download", args=[draft.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("evidence_delete", args=[draft.pk, theirs.pk])).status_code == 404
    assert list(EvidenceFile.objects.filter(indicator=d1_1).values_list("original_name", flat=True)) == [
        "D 部分的证据.png"]


@pytest.mark.parametrize(("name", "query"), [("dashboard", ""), ("portfolio", ""), ("portfolio_export_xlsx", ""),
                                             ("portfolio_export_csv", "?part=answers"),
                                             ("portfolio_export_csv", "?part=scores"),
                                             ("portfolio_report_pdf", "?lang=en")])
def test_lists_show_exactly_the_regions_one_has_a_role_in(world, name, query):
    text = {"portfolio_export_xlsx": _xlsx_text, "portfolio_export_csv": _csv_text,
            "portfolio_report_pdf": _pdf_text}.get(
        name, lambda content: content.decode())
    for persona in ROLES:
        response = client_for(world, persona).get(reverse(name) + query)
        assert response.status_code == 200
        shown = text(response.content)
        for relation in RELATIONS:
            role = ROLES[persona][relation]  # a contributor: only their assigned parts, on the dashboard
            listed = role is not None and (role != "contributor" or name == "dashboard")
            assert (world[relation]["region"].name in shown) == listed, (name, persona, relation)
    for persona in SIGNED_OUT:
        response = client_for(world, persona).get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_wrong_methods_are_refused_and_change_nothing(world):
    client, things = client_for(world, "official"), world["own"]
    args = {"create_assessment": [things["region"].pk], "region_history": [things["region"].pk],
            "plan_edit": [things["draft"].pk, things["plan_item"].pk],
            "plan_delete": [things["draft"].pk, things["plan_item"].pk],
            "team_reassign": [things["draft"].pk, things["part_s"].pk],
            "team_unassign": [things["draft"].pk, things["part_d"].pk],
            "evidence_upload": [things["draft"].pk, things["indicator"].pk],
            "evidence_delete": [things["draft"].pk, things["evidence_file"].pk],
            "evidence_download": [things["draft"].pk, things["evidence_file"].pk]}
    before = (Assessment.objects.count(), Comment.objects.count(), PlanItem.objects.count(),
              list(Assessment.objects.values_list("status", flat=True)), EvidenceFile.objects.count())
    for name in POST_ONLY | GET_ONLY:
        url = reverse(name, args=args.get(name, [] if name.startswith(("dashboard", "portfolio", "inbox"))
                                          else [things["draft"].pk]))
        response = client.get(url) if name in POST_ONLY else client.post(url)
        assert response.status_code == 405, name
    assert before == (Assessment.objects.count(), Comment.objects.count(), PlanItem.objects.count(),
                      list(Assessment.objects.values_list("status", flat=True)), EvidenceFile.objects.count())


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["official"])
    response = client.post(reverse("comment", args=[world["own"]["draft"].pk]), {"text": "forged"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_admin_site_is_for_staff_only(world):
    """Django's own guard on /admin/ (staff), whatever the regions."""
    response = client_for(world, "consultant").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client_for(world, "admin").get("/admin/").status_code == 200


# --- The admin's own views (framework versions): framework editors only, failing closed ---------------

# url name → method. Django's standard admin views (changelist, change, history…) are guarded by Django.
ADMIN_VIEWS = {"frameworks_framework_weights": "GET", "frameworks_framework_publish": "GET",
               "frameworks_framework_new_draft": "POST"}


def test_every_custom_admin_view_is_in_the_table():
    from django.contrib import admin

    from frameworks.models import Framework

    standard = {"changelist", "add", "history", "delete", "change", "simple_history"}
    names = {pattern.name for pattern in admin.site._registry[Framework].get_urls() if pattern.name}
    assert {name for name in names if name.removeprefix("frameworks_framework_") not in standard} == set(ADMIN_VIEWS)


def test_custom_admin_views_are_for_framework_editors_only(world, sodpa):
    from frameworks.models import Framework
    from frameworks.versions import new_draft_version

    draft = new_draft_version(framework=sodpa, user=world["admin"])
    staff = UserFactory(username="staff_only", is_staff=True)  # staff, but no framework permissions
    world = {**world, "staff_only": staff}
    for name, method in ADMIN_VIEWS.items():
        url = reverse(f"admin:{name}", args=[draft.pk])
        for persona in ("admin", "staff_only", "official", "consultant", "nobody", "anonymous"):
            versions = Framework.objects.count()
            client = client_for(world, persona)
            response = client.post(url) if method == "POST" else client.get(url)
            where = (name, persona, response.status_code)
            if persona == "admin":
                assert response.status_code == (302 if method == "POST" else 200), where
                continue
            if persona == "staff_only":
                assert response.status_code == 403, where
            else:  # not staff, or signed out: the admin's sign-in page, nothing disclosed
                assert response.status_code == 302 and "/admin/login/" in response["Location"], where
            assert Framework.objects.count() == versions, where
        missing = reverse(f"admin:{name}", args=[draft.pk + 10_000])
        assert client_for(world, "admin").get(missing).status_code in (404, 405), name
