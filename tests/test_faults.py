"""Faults: the database out of reach gives a clean 503 quickly and recovers; a failing or slow PDF
render gives a clear message and caches nothing. Nothing here depends on the machine's speed: the
unreachable database refuses at once, and the slow render never finishes (`stalled_pdf_engine`)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments import reports
from assessments.reports import ReportError, report_state_key
from tests.factories import AssessmentFactory
from tests.helpers import fill, stalled_pdf_engine


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_out_of_reach_gives_a_503_within_2_seconds_and_recovers(people):
    client = Client(raise_request_exception=False)
    client.force_login(people["official"])
    assert client.get(reverse("dashboard")).status_code == 200
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/sodpa.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get(reverse("dashboard"))
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service unavailable" in response.content.decode() and "服务暂不可用" in response.content.decode()
    if connection.vendor == "postgresql":
        # A server that does not answer at all (not only a refused port) is given up after 2 s.
        assert saved["OPTIONS"]["connect_timeout"] == 2
    assert client.get(reverse("dashboard")).status_code == 200  # back without a restart


@pytest.mark.django_db
def test_a_render_that_fails_shows_a_message_and_caches_nothing(client, people, sodpa):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(assessment, 2)
    client.force_login(people["official"])
    with stalled_pdf_engine():
        response = client.get(reverse("report_pdf", args=[assessment.pk]) + "?lang=en")
    assert response.status_code == 503
    # The page speaks the viewer's language (Chinese by default), whatever the report's language.
    page = response.content.decode()
    assert "<h1 class=\"h3\">PDF 报告未能生成</h1>" in page and "The PDF report could not be produced" not in page
    assert reverse("results", args=[assessment.pk]) in page
    assert caches["reports"].get(report_state_key(assessment=assessment, language="en")) is None
    assert client.get(reverse("report_pdf", args=[assessment.pk]) + "?lang=en").status_code == 200


@pytest.mark.django_db
def test_a_render_over_the_time_limit_is_abandoned_and_not_cached(people, sodpa):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(assessment, 2)
    with stalled_pdf_engine(), pytest.raises(ReportError, match="time limit of 0.01 s"):
        reports.cached_report(assessment=assessment, language="en")
    assert caches["reports"].get(report_state_key(assessment=assessment, language="en")) is None
