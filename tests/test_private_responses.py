"""What a browser or a proxy may keep: results, reports, exports and API answers carry
`Cache-Control: private, no-store` (with Django's never-cache set), so a shared computer's disk
cache or a proxy never holds a tenant's figures. And settings an operator relies on."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from tests.factories import AssessmentFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(small_framework, people):
    assessment = AssessmentFactory(region=people["own"], framework=small_framework)
    fill(assessment, 3)
    return assessment


def assert_private(response):
    assert response.status_code == 200, response.status_code
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]


def test_results_reports_exports_portfolio_and_history_are_not_stored(client, people, submitted):
    client.force_login(people["official"])
    for url in (
        reverse("results", args=[submitted.pk]),
        reverse("report_pdf", args=[submitted.pk]) + "?lang=en",
        reverse("assessment_export_xlsx", args=[submitted.pk]),
        reverse("assessment_export_csv", args=[submitted.pk]) + "?part=scores",
        reverse("portfolio"),
        reverse("portfolio_export_csv") + "?part=answers",
        reverse("region_history", args=[people["own"].pk]),
    ):
        assert_private(client.get(url))


def test_api_answers_are_not_stored(people, submitted):
    _, token = ApiToken.issue(user=people["official"], name="platform")
    for path in ("/api/regions", f"/api/assessments/{submitted.pk}", f"/api/assessments/{submitted.pk}/scores",
                 "/api/frameworks"):
        assert_private(Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}"))
    refused = Client().get("/api/regions")
    assert refused.status_code == 401 and "no-store" in refused["Cache-Control"]


def test_sqlite_syncs_every_commit_so_an_acknowledged_save_survives_a_power_cut():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL (NORMAL is 1)
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
