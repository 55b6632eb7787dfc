"""Every URL × every persona × GET/POST, through a CSRF-enforcing client.

Outside one's regions → 404, wrong role → 403, anonymous → sign-in; the test fails when a URL
pattern is added without an entry here, so no view escapes the matrix."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from assessments.models import Assessment, PlanItem
from tests.factories import AssessmentFactory, UserFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "official", "other_official", "consultant", "other_consultant", "admin", "deactivated"]
IN_SCOPE = {"official", "consultant", "admin"}
OUT_OF_SCOPE = {"other_official", "other_consultant"}

# url name → (argument kind, or a tuple of them for several arguments, what each method does): "read"
# (GET page or file), "answer" (an official's or admin's POST), "review" (a consultant's or admin's
# POST), "any" (anyone in scope), None (method not allowed).
MATRIX = {
    "dashboard": (None, {"GET": "list", "POST": None}),
    "portfolio": (None, {"GET": "list", "POST": None}),
    "portfolio_export_xlsx": (None, {"GET": "list", "POST": None}),
    "portfolio_export_csv": (None, {"GET": "list", "POST": None}),
    "portfolio_report_pdf": (None, {"GET": "list", "POST": None}),
    "create_assessment": ("region", {"GET": None, "POST": "answer"}),
    "questionnaire": ("draft", {"GET": "read", "POST": "answer"}),
    "submit": ("draft", {"GET": None, "POST": "answer"}),
    "reopen": ("submitted", {"GET": None, "POST": "review"}),
    "comment": ("draft", {"GET": None, "POST": "any"}),
    "results": ("draft", {"GET": "read", "POST": None}),
    "report_pdf": ("draft", {"GET": "read", "POST": None}),
    "report_docx": ("draft", {"GET": "read", "POST": None}),
    # Preparing a PDF is a POST (it may enqueue a render) but only reads the assessment: anyone in scope.
    "report_prepare": ("draft", {"GET": None, "POST": "read"}),
    "report_status": ("draft", {"GET": "read", "POST": None}),
    "assessment_export_xlsx": ("draft", {"GET": "read", "POST": None}),
    "assessment_export_csv": ("draft", {"GET": "read", "POST": None}),
    "region_history": ("region", {"GET": "read", "POST": None}),
    "plan_add": ("draft", {"GET": None, "POST": "answer"}),
    "plan_edit": (("draft", "plan_item"), {"GET": None, "POST": "answer"}),
    "plan_delete": (("draft", "plan_item"), {"GET": None, "POST": "answer"}),
    # A user's own API tokens; a POST without a name re-renders the form (tests/test_api.py creates some).
    "api_tokens": (None, {"GET": "list", "POST": "list"}),
}
# Public or framework-provided pages with their own tests (Django's auth views, language switch).
OUTSIDE_THE_MATRIX = {"login", "logout", "password_change", "password_change_done", "password_reset",
                      "password_reset_done", "password_reset_confirm", "password_reset_complete", "set_language"}
# The JSON API (401 rather than a sign-in redirect, its own schema and docs pages) and revoking an API
# token (by its owner only): anonymous, own and other callers are covered by tests/test_api.py and
# tests/test_api_schema.py.
OUTSIDE_THE_MATRIX |= {"api_frameworks", "api_framework_version", "api_regions", "api_region",
                       "api_region_assessments", "api_region_history", "api_assessment", "api_assessment_scores",
                       "api_assessment_recommendations", "api_benchmarks", "openapi-json", "openapi-view",
                       "api-root", "api_token_revoke"}


def named_patterns(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # the admin site: staff only, guarded by Django itself (tests/test_access.py)
            yield from named_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield pattern.name


def test_every_url_pattern_is_in_the_matrix():
    names = set(named_patterns())
    assert names - OUTSIDE_THE_MATRIX == set(MATRIX), "add new URL patterns to MATRIX"


def expected(persona: str, role: str | None) -> int:
    if persona in ("anonymous", "deactivated"):
        return 302  # sign in first, whatever the URL or method
    if role is None:
        return 405
    if role == "list":
        return 200
    if persona in OUT_OF_SCOPE:
        return 404
    allowed = {"read": IN_SCOPE, "any": IN_SCOPE, "answer": {"official", "admin"}, "review": {"consultant", "admin"}}
    return (200 if role == "read" else 302) if persona in allowed[role] else 403


@pytest.fixture
def world(sodpa, people):
    draft = AssessmentFactory(region=people["own"], framework=sodpa, title="Own draft")
    fill(draft, 2)
    submitted = AssessmentFactory(region=people["own"], framework=sodpa, title="Own submitted",
                                  status=Assessment.Status.SUBMITTED)
    fill(submitted, 3)
    plan_item = PlanItem.objects.create(assessment=draft, action="Own plan item", owner="Own owner",
                                        target_date="2026-12-31")
    deactivated = UserFactory(username="deactivated", is_active=False)
    people["own"].officials.add(deactivated)
    return {**people, "deactivated": deactivated, "region": people["own"], "draft": draft, "submitted": submitted,
            "plan_item": plan_item}


def csrf_client(world, persona) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    if persona != "anonymous":
        client.force_login(world[persona])
    client.get(reverse("login"))  # sets the CSRF cookie, as a browser would get it from any form
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_matrix(world, persona, name, method):
    kind, roles = MATRIX[name]
    kinds = () if kind is None else kind if isinstance(kind, tuple) else (kind,)
    args = [world[each].pk for each in kinds]
    url = reverse(name, args=args)
    client, token = csrf_client(world, persona)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {"csrfmiddlewaretoken": token, "text": "ok", "note": "n", "title": "t"})
    status = expected(persona, roles[method])
    if status == 302 and persona in ("anonymous", "deactivated"):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), response
        return
    # Allowed POSTs redirect, or answer 400/409 when the (deliberately sparse) form data is refused.
    assert response.status_code in ((302, 400, 409) if status == 302 else (status,)), (response.status_code, status)
    body = response.content
    if response.status_code in (403, 404, 405):
        assert b"Own draft" not in body and b"Own submitted" not in body and b"Own plan item" not in body


def test_a_post_without_the_csrf_token_is_refused(world):
    client, _ = csrf_client(world, "official")
    response = client.post(reverse("comment", args=[world["draft"].pk]), {"text": "forged"})
    assert response.status_code == 403
    assert not world["draft"].comments.exists()


@pytest.mark.parametrize("name", ["dashboard", "portfolio"])
@pytest.mark.parametrize("persona", ["official", "consultant", "other_official", "other_consultant"])
def test_lists_never_show_another_tenants_rows(world, name, persona):
    client, _ = csrf_client(world, persona)
    page = client.get(reverse(name)).content.decode()
    sees_own = persona in IN_SCOPE
    assert ("苏州工业园区" in page) == sees_own
    assert ("黄山市" in page) == (not sees_own)
