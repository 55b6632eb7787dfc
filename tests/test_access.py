"""Role × view × own/other region: who sees and does what. Outside one's regions → 404;
inside but the wrong role → 403; anonymous → the sign-in page. The admin (a framework editor, staff)
and superusers are outside every region they are not a member of or assigned to."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, Comment
from tests.factories import AssessmentFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db

ROLES = ["official", "other_official", "consultant", "other_consultant", "admin", "nobody"]
# Who may see the "own" region's pages.
SEES_OWN = {"official", "consultant"}


@pytest.fixture
def setup(sodpa, people):
    draft = AssessmentFactory(region=people["own"], framework=sodpa, title="Own draft")
    submitted = AssessmentFactory(region=people["own"], framework=sodpa, title="Own submitted",
                                  status=Assessment.Status.SUBMITTED)
    fill(submitted, 3)
    other = AssessmentFactory(region=people["other"], framework=sodpa, title="Other draft")
    return {**people, "draft": draft, "submitted": submitted, "other_draft": other}


def login(client, setup, role):
    if role != "anonymous":
        client.force_login(setup[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["questionnaire", "results"])
def test_assessment_pages_are_scoped(client, setup, role, view):
    login(client, setup, role)
    own = client.get(reverse(view, args=[setup["draft"].pk]))
    other = client.get(reverse(view, args=[setup["other_draft"].pk]))
    if role in SEES_OWN:
        assert own.status_code == 200
        assert "Own draft" in own.content.decode()
    else:
        assert own.status_code == 404
        assert "Own draft" not in own.content.decode()
    sees_other = role in {"other_official", "other_consultant"}
    assert other.status_code == (200 if sees_other else 404)


@pytest.mark.parametrize("url_name", ["dashboard", "questionnaire", "results", "create_assessment",
                                      "submit", "reopen", "comment"])
def test_anonymous_users_are_sent_to_sign_in(client, setup, url_name):
    args = [] if url_name == "dashboard" else [setup["own"].pk if url_name == "create_assessment"
                                                else setup["draft"].pk]
    response = client.post(reverse(url_name, args=args)) if url_name not in (
        "dashboard", "questionnaire", "results") else client.get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_lists_only_the_users_regions(client, setup, role):
    login(client, setup, role)
    page = client.get(reverse("dashboard")).content.decode()
    assert ("苏州工业园区" in page) == (role in SEES_OWN)
    assert ("黄山市" in page) == (role in {"other_official", "other_consultant"})


@pytest.mark.parametrize(("role", "status"), [
    ("official", 302), ("admin", 404), ("consultant", 403), ("other_official", 404),
    ("other_consultant", 404), ("nobody", 404),
])
def test_only_officials_start_assessments(client, setup, role, status):
    login(client, setup, role)
    before = Assessment.objects.count()
    response = client.post(reverse("create_assessment", args=[setup["own"].pk]), {"title": "New"})
    assert response.status_code == status
    assert Assessment.objects.count() == before + (1 if status == 302 else 0)


@pytest.mark.parametrize(("role", "status"), [
    ("official", 302), ("admin", 404), ("consultant", 403), ("other_official", 404), ("nobody", 404),
])
def test_only_officials_submit(client, setup, role, status):
    fill(setup["draft"], 2)
    login(client, setup, role)
    response = client.post(reverse("submit", args=[setup["draft"].pk]))
    assert response.status_code == status
    setup["draft"].refresh_from_db()
    assert setup["draft"].is_submitted == (status == 302)


@pytest.mark.parametrize(("role", "status"), [
    ("consultant", 302), ("admin", 404), ("official", 403), ("other_consultant", 404), ("nobody", 404),
])
def test_only_consultants_reopen(client, setup, role, status):
    login(client, setup, role)
    response = client.post(reverse("reopen", args=[setup["submitted"].pk]), {"note": "fix D"})
    assert response.status_code == status
    setup["submitted"].refresh_from_db()
    assert setup["submitted"].is_submitted == (status != 302)


@pytest.mark.parametrize(("role", "status"), [
    ("official", 302), ("consultant", 302), ("admin", 404), ("other_official", 404),
    ("other_consultant", 404), ("nobody", 404),
])
def test_comments_are_scoped(client, setup, role, status):
    login(client, setup, role)
    response = client.post(reverse("comment", args=[setup["draft"].pk]), {"text": "Looks good"})
    assert response.status_code == status
    assert Comment.objects.filter(assessment=setup["draft"]).count() == (1 if status == 302 else 0)


@pytest.mark.parametrize(("role", "status"), [
    ("consultant", 403), ("other_official", 404), ("nobody", 404), ("admin", 404),
])
def test_saving_answers_needs_the_official_role_in_scope(client, setup, role, status):
    login(client, setup, role)
    indicator_key = "i_S1_1"
    response = client.post(reverse("questionnaire", args=[setup["draft"].pk]) + "?step=S",
                           {f"{indicator_key}-level": "3", f"{indicator_key}-rev": "0"})
    assert response.status_code == status
    assert setup["draft"].answers.count() == 0


def test_deactivated_users_see_nothing(client, setup):
    setup["official"].is_active = False
    setup["official"].save()
    client.force_login(setup["official"])
    response = client.get(reverse("results", args=[setup["draft"].pk]))
    assert response.status_code in (302, 404)
    assert "Own draft" not in response.content.decode()


def test_admin_site_is_for_staff_only(client, setup):
    client.force_login(setup["consultant"])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(setup["admin"])
    assert client.get("/admin/").status_code == 200


def test_staff_and_superusers_get_no_region_without_membership(client, setup):
    """`is_staff` / `is_superuser` grant nothing in the app: a region comes only from membership."""
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    for user in (setup["admin"], root):
        client.force_login(user)
        assert "苏州工业园区" not in client.get(reverse("dashboard")).content.decode()
        for pk in (setup["draft"].pk, setup["submitted"].pk, setup["other_draft"].pk):
            assert client.get(reverse("results", args=[pk])).status_code == 404
        assert client.get(reverse("portfolio")).content.decode().count("苏州工业园区") == 0
    setup["own"].consultants.add(root)  # assigned: now the superuser reviews this region, and only it
    client.force_login(root)
    assert client.get(reverse("results", args=[setup["submitted"].pk])).status_code == 200
    assert client.get(reverse("results", args=[setup["other_draft"].pk])).status_code == 404
    assert client.post(reverse("submit", args=[setup["draft"].pk])).status_code == 403  # a consultant


def test_the_admin_is_no_side_door_to_tenant_data(client, setup):
    from tests.factories import UserFactory

    client.force_login(setup["admin"])  # a framework editor
    assert client.get("/admin/frameworks/indicator/").status_code == 200
    assert client.get("/admin/assessments/region/").status_code == 403
    for path in ("/admin/assessments/assessment/", "/admin/assessments/answer/", "/admin/assessments/comment/",
                 "/admin/assessments/planitem/"):
        assert client.get(path).status_code == 404
    assert "苏州工业园区" not in client.get("/admin/").content.decode()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get("/admin/assessments/region/").status_code == 200  # memberships: superusers only
    for path in ("/admin/assessments/assessment/", "/admin/assessments/answer/"):
        assert client.get(path).status_code == 404
