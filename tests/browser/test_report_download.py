"""The results page's PDF buttons in real Chromium under the CSP: with the immediate backend a click
downloads the PDF; with the database backend the page shows the progress alert counting seconds,
ignores further clicks, and downloads once a worker (`db_worker --batch`) has rendered the report."""

import io
import re
import signal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from tests.browser.test_progress import sign_in
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import SMALL_SHAPE, fill

pytestmark = pytest.mark.browser

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def results_url(live_server, transactional_db):
    official = UserFactory(username="report-official")
    region = RegionFactory(name="苏州工业园区")
    region.officials.add(official)
    # the buttons, the progress and the download do not depend on the guide's content: a small framework,
    # whose report typesets in a third of the real one's time
    assessment = AssessmentFactory(region=region, framework=build_framework(SMALL_SHAPE), title="2026 年度自评估")
    fill(assessment, 3)
    return f"{live_server.url}/assessments/{assessment.pk}/results/"


def watch(page) -> list[str]:
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_clicking_the_pdf_button_downloads_the_report(new_page, live_server, results_url):
    page = new_page("en-US")
    problems = watch(page)
    sign_in(page, live_server.url, "report-official")
    page.goto(results_url)
    # The first render of a process starts the render server (Django and WeasyPrint loaded once).
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="PDF report (English)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    expect(page.locator("#report-progress")).to_be_hidden()
    expect(page.locator("#report-error")).to_be_hidden()
    assert problems == []


def test_with_a_worker_the_page_waits_shows_progress_and_then_downloads(new_page, live_server, results_url):
    page = new_page()
    problems = watch(page)
    sign_in(page, live_server.url, "report-official")
    page.goto(results_url)
    button = page.locator("a[data-report][lang=zh-hans]")
    with override_settings(TASKS=DATABASE), page.expect_download(timeout=30_000) as download:
        with page.expect_response(lambda response: "/report/status" in response.url):  # queued, now polling
            button.click()
        expect(page.locator("#report-progress")).to_be_visible()
        expect(page.locator("#report-progress-elapsed")).to_contain_text(re.compile(r"\d+ 秒"))
        expect(button).to_have_attribute("aria-disabled", "true")
        button.dispatch_event("click")  # a second click while waiting is ignored
        page.locator("a[data-report][lang=en]").dispatch_event("click")
        assert DBTaskResult.objects.count() == 1
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0,
                         stdout=io.StringIO())
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    expect(page.locator("#report-progress")).to_be_hidden()
    expect(button).to_have_attribute("aria-disabled", "false")
    assert problems == []
