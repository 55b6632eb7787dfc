"""PDF reports rendered through django-tasks: the immediate backend (default, inline) and the
database backend with `manage.py db_worker`; prepare / status / download, duplicates, failures and
scope."""

import contextlib
import io
import signal
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessments.models import Answer
from assessments.reports import report_state_key
from assessments.tasks import render_report_task
from tests.factories import AssessmentFactory
from tests.helpers import fill, stalled_pdf_engine

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
FAILED_MESSAGE = "The PDF report could not be produced. Please try again."


@pytest.fixture
def assessment(small_framework, people):
    assessment = AssessmentFactory(region=people["own"], framework=small_framework, title="2026 年度自评估")
    fill(assessment, 3)
    return assessment


@pytest.fixture
def official(people):
    """The region's official, whose browser asks for English."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(people["official"])
    return client


@pytest.fixture
def database_backend():
    with override_settings(TASKS=DATABASE):
        yield


def urls(assessment, language="en"):
    query = f"?lang={language}"
    return {name: reverse(name, args=[assessment.pk]) + query
            for name in ("report_prepare", "report_status", "report_pdf")}


def run_worker_once(*, inside_test_transaction: bool = True):
    """`manage.py db_worker --batch`: runs every queued task, then exits (its signal handlers undone).

    Inside a test's transaction the worker must not close the database connection between tasks, as
    it does in production (`close_old_connections`): Django's test client keeps it open the same way."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections",
                        new=lambda: None) if inside_test_transaction else contextlib.nullcontext():
            call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0,
                         stdout=io.StringIO())
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def cached_pdf(assessment, language="en"):
    return caches["reports"].get(report_state_key(assessment=assessment, language=language))


def test_the_default_backend_runs_tasks_inline():
    from django.conf import settings

    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


@override_settings(TASKS=IMMEDIATE)
def test_with_the_immediate_backend_prepare_renders_at_once_and_the_download_is_a_cache_hit(official, assessment):
    url = urls(assessment)
    answer = official.post(url["report_prepare"])
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "url": url["report_pdf"]}
    assert cached_pdf(assessment).startswith(b"%PDF")
    assert official.get(url["report_status"]).json()["status"] == "ready"
    download = official.get(answer.json()["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Report-Cache"] == "hit"
    assert not DBTaskResult.objects.exists()


@override_settings(TASKS=IMMEDIATE)
def test_with_the_immediate_backend_a_failing_render_answers_failed(official, assessment):
    url = urls(assessment)
    with stalled_pdf_engine():
        answer = official.post(url["report_prepare"]).json()
    assert answer == {"status": "failed", "message": FAILED_MESSAGE}
    assert official.get(url["report_status"]).json()["status"] == "failed"
    assert cached_pdf(assessment) is None


@pytest.mark.postgres
def test_with_the_database_backend_prepare_queues_once_and_a_worker_renders(database_backend, official, assessment):
    url = urls(assessment)
    answer = official.post(url["report_prepare"])
    assert answer.status_code == 200
    assert answer.json() == {"status": "pending", "poll": url["report_status"]}
    assert DBTaskResult.objects.count() == 1
    assert official.get(url["report_status"]).json() == {"status": "pending", "poll": url["report_status"]}
    # A second click (or another user) while the task is queued does not enqueue it again.
    assert official.post(url["report_prepare"]).json()["status"] == "pending"
    assert DBTaskResult.objects.count() == 1
    assert cached_pdf(assessment) is None

    run_worker_once()

    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL" and task.task_path == "assessments.tasks.render_report_task"
    assert official.get(url["report_status"]).json() == {"status": "ready", "url": url["report_pdf"]}
    assert official.post(url["report_prepare"]).json()["status"] == "ready"
    assert DBTaskResult.objects.count() == 1
    download = official.get(url["report_pdf"])
    assert download["X-Report-Cache"] == "hit" and download.content == cached_pdf(assessment)
    assert download.content.startswith(b"%PDF")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_worker_command_as_in_production_committed_rows_and_fresh_connections(small_framework, people):
    assessment = AssessmentFactory(region=people["own"], framework=small_framework)
    fill(assessment, 2)
    client = Client(headers={"accept-language": "en"})
    client.force_login(people["consultant"])
    url = urls(assessment)
    with override_settings(TASKS=DATABASE):
        assert client.post(url["report_prepare"]).json()["status"] == "pending"
        run_worker_once(inside_test_transaction=False)
        assert client.get(url["report_status"]).json()["status"] == "ready"
        assert client.get(url["report_pdf"])["X-Report-Cache"] == "hit"


def test_a_changed_assessment_needs_a_new_render(database_backend, official, assessment):
    url = urls(assessment)
    official.post(url["report_prepare"])
    run_worker_once()
    Answer.objects.filter(assessment=assessment, indicator__code="A1.1").update(level=1)
    assert official.get(url["report_status"]).json()["status"] == "none"
    assert official.post(url["report_prepare"]).json()["status"] == "pending"
    assert DBTaskResult.objects.count() == 2
    run_worker_once()
    assert official.get(url["report_status"]).json()["status"] == "ready"


def test_languages_are_prepared_separately(database_backend, official, assessment):
    assert official.post(urls(assessment, "en")["report_prepare"]).json()["status"] == "pending"
    assert official.post(urls(assessment, "zh-hans")["report_prepare"]).json()["status"] == "pending"
    assert DBTaskResult.objects.count() == 2
    run_worker_once()
    assert cached_pdf(assessment, "en") != cached_pdf(assessment, "zh-hans")
    assert cached_pdf(assessment, "zh-hans").startswith(b"%PDF")


def test_a_failing_render_in_the_worker_gives_failed_with_a_message_and_caches_nothing(
        database_backend, official, assessment):
    url = urls(assessment)
    assert official.post(url["report_prepare"]).json()["status"] == "pending"
    with stalled_pdf_engine():
        run_worker_once()
    assert DBTaskResult.objects.get().status == "FAILED"
    assert official.get(url["report_status"]).json() == {"status": "failed", "message": FAILED_MESSAGE}
    assert cached_pdf(assessment) is None
    # In the caller's language.
    chinese = official.get(url["report_status"], HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert chinese == {"status": "failed", "message": "PDF 报告生成失败，请重试。"}
    # Trying again queues a new task, which succeeds.
    assert official.post(url["report_prepare"]).json()["status"] == "pending"
    assert DBTaskResult.objects.count() == 2
    run_worker_once()
    assert official.get(url["report_status"]).json()["status"] == "ready"


def test_a_task_stuck_running_after_the_time_limit_counts_as_failed(database_backend, official, assessment):
    from django.utils import timezone

    url = urls(assessment)
    official.post(url["report_prepare"])
    task = DBTaskResult.objects.get()
    task.claim("a-worker-that-died")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timezone.timedelta(hours=1))
    assert official.get(url["report_status"]).json()["status"] == "failed"
    assert official.post(url["report_prepare"]).json()["status"] == "pending"
    assert DBTaskResult.objects.count() == 2


def test_the_task_renders_and_caches_only_a_complete_pdf(assessment):
    with override_settings(TASKS=IMMEDIATE):
        result = render_report_task.enqueue(assessment.pk, "en")
    assert result.status == "SUCCESSFUL"
    assert result.return_value["state_key"] == report_state_key(assessment=assessment, language="en")
    assert cached_pdf(assessment).startswith(b"%PDF") and cached_pdf(assessment).rstrip().endswith(b"%%EOF")


def test_prepare_needs_a_post_and_a_known_language(official, assessment):
    url = urls(assessment)
    assert official.get(url["report_prepare"]).status_code == 405
    assert official.post(url["report_status"]).status_code == 405
    refused = official.post(reverse("report_prepare", args=[assessment.pk]) + "?lang=fr")
    assert refused.status_code == 400 and "zh-hans" in refused.json()["message"]
    assert official.get(reverse("report_status", args=[assessment.pk]) + "?lang=fr").status_code == 400


@pytest.mark.parametrize(("role", "status"), [
    ("official", 200), ("consultant", 200), ("admin", 404), ("other_official", 404),
    ("other_consultant", 404), ("nobody", 404),
])
def test_prepare_and_status_are_scoped(database_backend, client, people, assessment, role, status):
    client.force_login(people[role])
    url = urls(assessment)
    assert client.post(url["report_prepare"]).status_code == status
    assert client.get(url["report_status"]).status_code == status
    assert DBTaskResult.objects.count() == (1 if status == 200 else 0)


def test_anonymous_callers_are_sent_to_sign_in(client, assessment):
    url = urls(assessment)
    for response in (client.post(url["report_prepare"]), client.get(url["report_status"])):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not DBTaskResult.objects.exists()


def test_the_results_page_wires_the_buttons_to_prepare(official, assessment):
    page = official.get(reverse("results", args=[assessment.pk])).content.decode()
    assert f'data-prepare="{urls(assessment, "en")["report_prepare"]}"' in page
    assert f'href="{urls(assessment, "en")["report_pdf"]}"' in page  # still a plain link without JavaScript
    assert 'id="report-progress-elapsed"' in page and "{seconds}" in page
    assert 'data-csrf="' in page


@override_settings(TASKS=IMMEDIATE)
def test_while_a_render_of_the_state_runs_prepare_and_status_wait_for_it(official, assessment, caplog):
    from assessments.reports import render_lock

    url = urls(assessment)
    state_key = report_state_key(assessment=assessment, language="en")
    with caplog.at_level("INFO", logger="assessments.reports"), render_lock(state_key) as acquired:
        assert acquired  # another worker's render, as far as this one can tell
        assert official.post(url["report_prepare"]).json() == {"status": "pending", "poll": url["report_status"]}
        assert official.post(url["report_prepare"]).json()["status"] == "pending"
        assert official.get(url["report_status"]).json()["status"] == "pending"
        assert not [r for r in caplog.records if r.getMessage().startswith("rendering report")]
    assert official.get(url["report_status"]).json()["status"] == "none"  # that render failed: try again
    assert official.post(url["report_prepare"]).json()["status"] == "ready"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_prepares_start_one_render(small_framework, people, caplog):
    import threading

    assessment = AssessmentFactory(region=people["own"], framework=small_framework)
    fill(assessment, 2)
    url = urls(assessment)
    barrier, answers = threading.Barrier(2), []

    def prepare():
        client = Client(headers={"accept-language": "en"})
        client.force_login(people["official"])
        barrier.wait()
        answers.append(client.post(url["report_prepare"]).json()["status"])

    with override_settings(TASKS=IMMEDIATE), caplog.at_level("INFO", logger="assessments.reports"):
        other = threading.Thread(target=prepare)
        other.start()
        prepare()
        other.join()
    renders = [r for r in caplog.records if r.getMessage().startswith("rendering report")]
    assert len(renders) == 1
    # Both at once: one renders, the other waits ("pending"); or one after the other: the second is served.
    assert sorted(answers) in (["pending", "ready"], ["ready", "ready"])
    assert cached_pdf(assessment).startswith(b"%PDF")
