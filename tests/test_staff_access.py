"""Staff and superusers are no exception to the regions rule (assessments/access.py): a region comes
only from membership (official) or assignment (consultant). The questionnaire editor's permission
(the group "framework editors") opens the frameworks admin and nothing of any region; the admin's
region pages are for superusers and hold no assessment data."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import AssessmentFactory, UserFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(sodpa, people):
    draft = AssessmentFactory(region=people["own"], framework=sodpa, title="Own draft")
    submitted = AssessmentFactory(region=people["own"], framework=sodpa, title="Own submitted",
                                  status=Assessment.Status.SUBMITTED)
    fill(submitted, 3)
    other = AssessmentFactory(region=people["other"], framework=sodpa, title="Other draft")
    return {**people, "draft": draft, "submitted": submitted, "other_draft": other}


def test_staff_and_superusers_get_no_region_without_membership(client, setup):
    """`is_staff` / `is_superuser` grant nothing in the app: a region comes only from membership."""
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
