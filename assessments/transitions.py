"""Submitting and reopening an assessment: the one place its status changes.

Each transition runs in one transaction that first locks the assessment row and re-reads it, then
checks what it needs (status, completeness) on that fresh state, writes the status and records a
StatusChange (the assessment's history). A step save (`answering.save_step`) takes the same lock
first, so a save and a submit never interleave: either the save comes first (and a submit then
sees its answers), or the submit does (and the save is refused because the assessment is submitted).

The lock: `select_for_update()` on PostgreSQL; on SQLite it does nothing, but the project's SQLite
connections use IMMEDIATE transactions (sodpa_portal/settings.py), so every transaction holds the
database's write lock from BEGIN, which serialises them the same way.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from assessments.inbox import Kind, notify
from assessments.models import Assessment, StatusChange
from assessments.results import score_assessment


class TransitionRefused(Exception):
    """The assessment is not in a state that allows the transition; nothing was written."""


class AlreadySubmitted(TransitionRefused):
    pass


class NotSubmitted(TransitionRefused):
    pass


class Incomplete(TransitionRefused):
    def __init__(self, *, answered: int, total: int) -> None:
        self.answered, self.total = answered, total
        super().__init__(f"{total - answered} of {total} indicators are unanswered")

    @property
    def left(self) -> int:
        return self.total - self.answered


def lock_assessment(assessment_id: int) -> Assessment:
    """The assessment re-read and locked until the end of the current transaction."""
    return Assessment.objects.select_for_update(of=("self",)).select_related("region", "framework").get(
        pk=assessment_id)


def submit_assessment(*, assessment: Assessment, user, note: str = "", at: datetime | None = None) -> Assessment:
    """Submit a complete draft (read-only from now on). `at`: the submission time (default now).
    Raises AlreadySubmitted or Incomplete; returns the submitted assessment."""
    with transaction.atomic():
        locked = lock_assessment(assessment.pk)
        if locked.is_submitted:
            raise AlreadySubmitted("the assessment is already submitted")
        card = score_assessment(assessment=locked)  # the answers read inside the transaction
        if not card.is_complete:
            raise Incomplete(answered=card.answered, total=card.total)
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = at or timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        StatusChange.objects.create(assessment=locked, status=locked.status, changed_by=user, note=note[:1000])
    _refresh(assessment, locked)
    return locked


def reopen_assessment(*, assessment: Assessment, user, note: str) -> Assessment:
    """Make a submitted assessment a draft again, with the reason ("sent back"). Raises NotSubmitted.
    Its review ends (assessments/review.py, `reset_on_reopen`) and the region's officials are told,
    with the reason, in their inbox and by e-mail."""
    from assessments.review import reset_on_reopen

    with transaction.atomic():
        locked = lock_assessment(assessment.pk)
        if not locked.is_submitted:
            raise NotSubmitted("the assessment is not submitted")
        locked.status = Assessment.Status.DRAFT
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        StatusChange.objects.create(assessment=locked, status=locked.status, changed_by=user, note=note[:1000])
        reset_on_reopen(assessment_id=locked.pk)
        notify(users=locked.region.officials.all(), kind=Kind.SENT_BACK, assessment=locked, exclude=user,
               params={"who": user.get_full_name() or user.get_username() if user else "", "text": note[:1000]})
    _refresh(assessment, locked)
    return locked


def _refresh(assessment: Assessment, locked: Assessment) -> None:
    """The caller's instance shows the new state too."""
    assessment.status, assessment.submitted_at, assessment.updated_at = (
        locked.status, locked.submitted_at, locked.updated_at)
