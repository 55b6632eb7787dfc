"""Faults: the database out of reach gives a clean 503 quickly and recovers; a failing or slow PDF
render gives a clear message and caches nothing."""

import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from assessments import reports
from assessments.reports import ReportError, report_state_key
from tests.factories import AssessmentFactory
from tests.helpers import fill


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
        started = time.monotonic()
        response = client.get(reverse("dashboard"))
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service unavailable" in response.content.decode() and "服务暂不可用" in response.content.decode()
    assert elapsed < 2
    assert client.get(reverse("dashboard")).status_code == 200  # back without a restart


@pytest.mark.django_db
def test_a_render_that_fails_shows_a_message_and_caches_nothing(client, people, sodpa):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(assessment, 2)
    client.force_login(people["official"])
    with override_settings(REPORT_TIMEOUT_SECONDS=0.01):
        response = client.get(reverse("report_pdf", args=[assessment.pk]) + "?lang=en")
    assert response.status_code == 503
    assert "The PDF report could not be produced" in response.content.decode("utf-8").replace("未能生成", "")\
        or "PDF 报告未能生成" in response.content.decode()
    assert caches["reports"].get(report_state_key(assessment=assessment, language="en")) is None
    assert client.get(reverse("report_pdf", args=[assessment.pk]) + "?lang=en").status_code == 200


@pytest.mark.django_db
def test_a_render_over_the_time_limit_is_abandoned_and_not_cached(people, sodpa):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(assessment, 2)
    with override_settings(REPORT_TIMEOUT_SECONDS=0.01), pytest.raises(ReportError, match="time limit"):
        reports.cached_report(assessment=assessment, language="en")
    assert caches["reports"].get(report_state_key(assessment=assessment, language="en")) is None
