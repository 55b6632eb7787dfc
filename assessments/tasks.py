"""Background work (django-tasks): PDF reports rendered outside the request.

`settings.TASKS` chooses where tasks run: the immediate backend (default) runs them inline, in the
request that enqueues them, as before; the database backend (`TASKS_BACKEND=database`) queues them
for `manage.py db_worker` processes, so web workers never block on a render.

The report cache (`caches["reports"]`, shared by app servers and workers) holds, per assessment
state (`report_state_key`):

- `<state key>`: the complete PDF, written only once the render has finished;
- `<state key>:task`: `{"id": task id}` of the task rendering it, so a second "prepare" of the same
  state while the first is queued or running does not enqueue a duplicate, and the status poll can
  ask the backend how the task is doing (`{"status": "failed"}` when an inline render failed).

Two "prepare" requests at the very same moment may both enqueue; the second task then finds the PDF
cached (or renders the same bytes again): harmless.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from assessments.models import Assessment
from assessments.reports import render_within_time_limit, report_state_key

logger = logging.getLogger(__name__)

# How long a task id is remembered: far longer than any queue wait, short enough to clean itself up.
TASK_ID_TIMEOUT = 24 * 60 * 60
# A task still "running" this long after the render's own time limit belongs to a worker that died.
STALLED_MARGIN_SECONDS = 60


class ReportJob:
    READY = "ready"
    PENDING = "pending"
    FAILED = "failed"
    NONE = "none"  # nothing cached and nothing under way for the assessment's current state


@dataclass(frozen=True)
class JobState:
    status: str
    state_key: str


def _cache():
    return caches["reports"]


def _task_key(state_key: str) -> str:
    return f"{state_key}:task"


@task()
def render_report_task(assessment_id: int, language: str) -> dict:
    """Render the report of the assessment as it is now and cache it under its state key.
    Raises ReportError when the render fails or exceeds REPORT_TIMEOUT_SECONDS: nothing is cached."""
    assessment = Assessment.objects.select_related("region", "framework").get(pk=assessment_id)
    state_key = report_state_key(assessment=assessment, language=language)
    cache = _cache()
    if cache.has_key(state_key):  # rendered meanwhile (a download, or a duplicate task)
        return {"state_key": state_key, "rendered": False}
    pdf = render_within_time_limit(assessment=assessment, language=language)
    cache.set(state_key, pdf, timeout=None)  # written to a temporary file, then moved: all or nothing
    return {"state_key": state_key, "rendered": True}


def _recorded_task_status(state_key: str) -> str | None:
    """What the task recorded for this state is doing: PENDING, FAILED, READY (finished), or None."""
    record = _cache().get(_task_key(state_key))
    if not isinstance(record, dict):
        return None
    if record.get("status"):  # an outcome known when the task was enqueued (it ran inline)
        return record["status"]
    task_id = record.get("id")
    if not isinstance(task_id, str):
        return None
    try:
        result = render_report_task.get_backend().get_result(task_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return None  # another backend now, or a pruned result
    if result.status == TaskResultStatus.READY:
        return ReportJob.PENDING
    if result.status == TaskResultStatus.RUNNING:
        limit = getattr(settings, "REPORT_TIMEOUT_SECONDS", 60) + STALLED_MARGIN_SECONDS
        started = result.started_at or result.last_attempted_at
        if started is not None and timezone.now() - started > timedelta(seconds=limit):
            logger.error("report task %s has been running since %s: its worker is gone", task_id, started)
            return ReportJob.FAILED
        return ReportJob.PENDING
    if result.status == TaskResultStatus.FAILED:
        return ReportJob.FAILED
    return ReportJob.READY


def report_job_state(*, assessment: Assessment, language: str) -> JobState:
    """Where the report of the assessment's current state stands (reads only)."""
    state_key = report_state_key(assessment=assessment, language=language)
    if _cache().has_key(state_key):
        return JobState(ReportJob.READY, state_key)
    recorded = _recorded_task_status(state_key)
    if recorded in (ReportJob.PENDING, ReportJob.FAILED):
        return JobState(recorded, state_key)
    # Finished without a PDF under this key (the cache lost it), or nothing recorded: start again.
    return JobState(ReportJob.NONE, state_key)


def prepare_report(*, assessment: Assessment, language: str) -> JobState:
    """Make sure the report of the assessment's current state is cached or being rendered.

    Enqueues render_report_task unless the PDF is cached or a task for this state is queued or
    running (a failed one is retried). With the immediate backend the task runs here and the answer
    is READY or FAILED; with the database backend it is PENDING until a worker has run it."""
    state = report_job_state(assessment=assessment, language=language)
    if state.status in (ReportJob.READY, ReportJob.PENDING):
        return state
    result = render_report_task.enqueue(assessment.pk, language)
    cache = _cache()
    if not result.is_finished:
        cache.set(_task_key(state.state_key), {"id": str(result.id)}, timeout=TASK_ID_TIMEOUT)
        return JobState(ReportJob.PENDING, state.state_key)
    # It ran inline (the immediate backend): the outcome is known now and cannot be looked up later.
    if result.status == TaskResultStatus.SUCCESSFUL:
        cache.delete(_task_key(state.state_key))
        return JobState(ReportJob.READY, state.state_key)
    cache.set(_task_key(state.state_key), {"status": ReportJob.FAILED}, timeout=TASK_ID_TIMEOUT)
    return JobState(ReportJob.FAILED, state.state_key)
