"""Faults: the database out of reach gives a clean 503 quickly and recovers; a failing or slow PDF
render gives a clear message and caches nothing. Nothing here depends on the machine's speed: the
unreachable database refuses at once, and the slow render never finishes (`stalled_pdf_engine`)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
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
def test_a_render_that_fails_shows_a_message_and_caches_nothing(client, people, small_framework):
    assessment = AssessmentFactory(region=people["own"], framework=small_framework)
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
def test_a_render_over_the_time_limit_is_abandoned_and_not_cached(people, small_framework):
    assessment = AssessmentFactory(region=people["own"], framework=small_framework)
    fill(assessment, 2)
    with stalled_pdf_engine(), pytest.raises(ReportError, match="time limit of 0.01 s"):
        reports.cached_report(assessment=assessment, language="en")
    assert caches["reports"].get(report_state_key(assessment=assessment, language="en")) is None


def _with_database_options(**options):
    """Reconnect with changed OPTIONS; returns a function that undoes it."""
    saved = dict(connection.settings_dict["OPTIONS"])
    connection.close()
    connection.settings_dict["OPTIONS"].update(options)

    def undo():
        connection.close()
        connection.settings_dict["OPTIONS"].clear()
        connection.settings_dict["OPTIONS"].update(saved)
    return undo


@pytest.mark.django_db(transaction=True)
def test_a_database_locked_past_the_busy_timeout_gives_the_503_page_and_json_under_api(people):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    import sqlite3

    from api.models import ApiToken

    _, token = ApiToken.issue(user=people["official"], name="platform")
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})
    client.force_login(people["official"])
    assert client.get(reverse("dashboard")).status_code == 200
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1, isolation_level=None)
    undo = _with_database_options(timeout=0.05)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        page = client.get(reverse("dashboard"))  # saving the session needs the write lock
        answer = Client(raise_request_exception=False).get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {token}")
    finally:
        other.rollback() if other.in_transaction else None
        other.close()
        undo()
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "Service unavailable" in page.content.decode()
    assert answer.status_code == 503 and answer["Content-Type"] == "application/json"
    assert set(answer.json()) == {"detail"} and answer["Retry-After"] == "30"
    assert client.get(reverse("dashboard")).status_code == 200  # the lock is gone: back at once


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_an_unreachable_database_with_json(people):
    from api.models import ApiToken

    _, token = ApiToken.issue(user=people["official"], name="platform")
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/sodpa.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"
    try:
        answer = Client(raise_request_exception=False).get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {token}",
                                                           HTTP_ACCEPT_LANGUAGE="en")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert answer.json() == {"detail": "The service is temporarily unavailable. Please try again shortly."}
    assert "no-store" in answer["Cache-Control"]


def test_database_errors_are_recognised_by_class_not_message():
    import sqlite3

    from django.db import IntegrityError, OperationalError

    from sodpa_portal.views import database_unavailable

    assert database_unavailable(OperationalError("database is locked"))
    assert database_unavailable(OperationalError("anything at all"))
    wrapped = OperationalError("wrapped")
    wrapped.__cause__ = sqlite3.OperationalError("disk I/O error")
    assert database_unavailable(wrapped)
    assert not database_unavailable(IntegrityError("could not connect"))  # a message alone is not enough
    assert not database_unavailable(ValueError("connection refused"))


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][0] not in "ZX"
    except FileNotFoundError:
        return False


@pytest.mark.django_db
def test_a_render_over_the_time_limit_leaves_no_process_running_and_shows_the_failure_page(
        client, people, small_framework, caplog):
    assessment = AssessmentFactory(region=people["own"], framework=small_framework)
    fill(assessment, 2)
    client.force_login(people["official"])
    with override_settings(REPORT_TIMEOUT_SECONDS=0.001), caplog.at_level("INFO", logger="assessments.reports"):
        response = client.get(reverse("report_pdf", args=[assessment.pk]) + "?lang=en",
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and "could not be produced" in response.content.decode()
    killed = [r for r in caplog.records if "was killed" in r.getMessage()]
    assert len(killed) == 1
    pid = int(killed[0].getMessage().split("(process ")[1].split(")")[0])
    assert not _alive(pid)
    assert caches["reports"].get(report_state_key(assessment=assessment, language="en")) is None
