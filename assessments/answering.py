"""Saving a questionnaire step without ever silently overwriting someone else's answer.

Each answer carries a `revision`. The page sends, per indicator, the revision it showed and what it
showed; only indicators the user changed are written, and a change to an answer that someone else
changed since the page was loaded is a conflict: the whole step is refused, nothing is written,
and the conflicts say who changed what.

The save first locks the assessment row (as submitting does, assessments/transitions.py) and checks
inside its transaction that the assessment is still a draft: a save racing a submit either lands
before the submission or is refused (`submitted`), never written into a submitted assessment.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.outline import code_anchor
from assessments.scoring import NOT_APPLICABLE, AnswerValue
from frameworks.models import Indicator


def evidence_digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Edit:
    """What the page sent for one indicator."""

    value: AnswerValue
    evidence: str
    seen_revision: int  # 0 when the page showed no saved answer
    seen_value: AnswerValue
    seen_evidence_digest: str

    @property
    def changed(self) -> bool:
        return self.value != self.seen_value or evidence_digest(self.evidence) != self.seen_evidence_digest


@dataclass(frozen=True)
class Conflict:
    code: str
    their_value: AnswerValue
    their_evidence: str
    changed_by: str
    changed_at: datetime | None
    by_self: bool = False  # the same user saved it meanwhile (another tab or device)

    @property
    def anchor(self) -> str:
        return code_anchor(self.code)


@dataclass(frozen=True)
class SaveResult:
    saved: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    submitted: bool = False  # refused: the assessment was submitted meanwhile; nothing was written


def _current_value(answer: Answer | None) -> AnswerValue:
    return None if answer is None else answer.value


def save_step(*, assessment: Assessment, user, indicators: list[Indicator], edits: dict[str, Edit]) -> SaveResult:
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("status", flat=True)
        if list(locked) != [Assessment.Status.DRAFT]:
            return SaveResult(saved=(), conflicts=(), submitted=True)
        answers = {
            a.indicator_id: a
            for a in Answer.objects.select_for_update(of=("self",))
            .filter(assessment=assessment, indicator__in=indicators)
            .select_related("updated_by")
        }
        conflicts, writes = [], []
        for indicator in indicators:
            edit = edits.get(indicator.code)
            if edit is None or not edit.changed:
                continue
            current = answers.get(indicator.pk)
            current_revision = current.revision if current else 0
            current_evidence = current.evidence if current else ""
            if _current_value(current) == edit.value and current_evidence == edit.evidence.strip():
                continue
            if current_revision != edit.seen_revision:
                conflicts.append(Conflict(
                    code=indicator.code, their_value=_current_value(current),
                    their_evidence=current.evidence if current else "",
                    changed_by=str(current.updated_by or "") if current else "",
                    changed_at=current.updated_at if current else None,
                    by_self=bool(current and user is not None and current.updated_by_id == user.pk),
                ))
            else:
                writes.append((indicator, current, edit))
        for indicator, current, edit in writes:
            if edit.value is None and not edit.evidence.strip():
                if current is not None:
                    current.delete()  # cleared: back to unanswered
                continue
            answer = current or Answer(assessment=assessment, indicator=indicator, revision=0)
            answer.level = None if edit.value in (None, NOT_APPLICABLE) else edit.value
            answer.not_applicable = edit.value == NOT_APPLICABLE
            answer.evidence = edit.evidence.strip()
            answer.revision += 1
            answer.updated_by = user
            answer.save()
        if writes:
            Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
        return SaveResult(saved=tuple(indicator.code for indicator, _, _ in writes), conflicts=tuple(conflicts))
