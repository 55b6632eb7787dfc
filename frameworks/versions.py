"""Framework versions: a published version is never edited in place.

- `new_draft_version` copies a version (questionnaire, recommendation content and their links) as
  the next version number, a draft the admin may edit;
- `publish` validates a draft (the same rules as `import_framework`) and publishes it;
- `publication_preview` shows, per region, how its latest assessment would score under a draft;
- `what_if` scores an assessment under another version without writing anything;
- `move_assessment` moves a draft assessment to another version, answers carried by indicator code;
- `import_document` loads an `export_framework` document as a new draft version.

Submitted assessments keep the version they were submitted under, and so their scores and reports.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from assessments.models import Answer, Assessment, Region
from assessments.scoring import NOT_APPLICABLE, AnswerValue, ScoreCard, score_answers
from frameworks.content import validate_document
from frameworks.export import export_document
from frameworks.models import Framework, Indicator
from frameworks.records import create_framework, document_records
from frameworks.spec import FrameworkSpec, framework_spec


class FrameworkInvalid(ValidationError):
    """A framework version (or document) breaks the rules; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems)


class VersionError(Exception):
    """An operation the state of a version or an assessment does not allow; the message says why."""


@contextmanager
def _acting_as(user) -> Iterator[None]:
    """Attribute the history records written inside to `user` when no web request already does
    (the request is what django-simple-history's middleware exposes)."""
    context = HistoricalRecords.context
    if user is None or getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def framework_of(*, row) -> Framework | None:
    """The framework version a questionnaire or recommendation row belongs to (None while unsaved
    rows have no owner yet)."""
    if row is None or isinstance(row, Framework):
        return row
    for owner in ("framework", "dimension", "subdimension", "indicator"):
        if hasattr(row, f"{owner}_id"):
            if getattr(row, f"{owner}_id") is None:
                return None
            return framework_of(row=getattr(row, owner))
    raise TypeError(f"{type(row).__name__} does not belong to a framework version")


def is_editable(*, row) -> bool:
    """Rows of a published version are never edited in place (a new draft version is)."""
    framework = framework_of(row=row)
    return framework is None or not framework.is_published


def next_version(*, code: str) -> int:
    return (Framework.objects.filter(code=code).aggregate(last=Max("version"))["last"] or 0) + 1


# --- creating and publishing versions -------------------------------------------------------------


def _create_from_document(document: dict, *, user) -> Framework:
    """A new draft version (max + 1, whatever the document says) from a validated document."""
    document = {**document, "version": next_version(code=document["code"])}
    try:
        records = document_records(document, status=Framework.Status.DRAFT)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise FrameworkInvalid([f"document: malformed content ({type(error).__name__}: {error})"]) from error
    with _acting_as(user):
        return create_framework(records)


def new_draft_version(*, framework: Framework, user=None) -> Framework:
    """Copy `framework` (every questionnaire and recommendation row, links included) as a draft
    with the next version number of its code."""
    with transaction.atomic():
        # Lock the code's versions so two copies made at once cannot take the same number.
        list(Framework.objects.select_for_update().filter(code=framework.code).values_list("pk", flat=True))
        return _create_from_document(export_document(framework=framework), user=user)


def import_document(*, document: dict, publish_it: bool = False, user=None) -> Framework:
    """Load an `export_framework` document as a new draft version (published if asked); the
    document is validated first and nothing is written when it, or publishing, fails."""
    if not isinstance(document, dict):
        raise FrameworkInvalid(["document: the file must hold one JSON object"])
    try:
        problems = validate_document(document)
    except (AttributeError, KeyError, TypeError, ValueError) as error:  # not shaped like an export at all
        raise FrameworkInvalid([f"document: malformed content ({type(error).__name__}: {error})"]) from error
    if problems:
        raise FrameworkInvalid(problems)
    with transaction.atomic():
        list(Framework.objects.select_for_update().filter(code=document["code"]).values_list("pk", flat=True))
        framework = _create_from_document(document, user=user)
        if publish_it:
            framework = publish(framework=framework, user=user)
    return framework


def validation_problems(*, framework: Framework) -> list[str]:
    """What stands in the way of publishing: the document rules (weights, thresholds, unique
    codes, five bilingual level descriptors per indicator, recommendation content)."""
    return validate_document(export_document(framework=framework))


def publish(*, framework: Framework, user=None) -> Framework:
    """Publish a draft. Raises FrameworkInvalid naming every problem, VersionError if it is not a draft."""
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.is_published:
            raise VersionError(_("%(framework)s is already published.") % {"framework": framework})
        problems = validation_problems(framework=framework)
        if problems:
            raise FrameworkInvalid(problems)
        framework.status = Framework.Status.PUBLISHED
        framework.published_at = timezone.now()
        if user is not None:
            framework._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
        framework.save(update_fields=["status", "published_at"])
    return framework


# --- scoring under another version ----------------------------------------------------------------


def _spec(framework: Framework) -> FrameworkSpec:
    return framework_spec(framework=Framework.objects.with_questionnaire().get(pk=framework.pk))


def _answers_by_code(assessment_ids: list[int]) -> dict[int, dict[str, AnswerValue]]:
    answers: dict[int, dict[str, AnswerValue]] = {pk: {} for pk in assessment_ids}
    rows = Answer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "indicator__code", "level", "not_applicable")
    for assessment_id, code, level, not_applicable in rows:
        answers[assessment_id][code] = NOT_APPLICABLE if not_applicable else level
    return answers


def carried_answers(answers: dict[str, AnswerValue], spec: FrameworkSpec) -> dict[str, AnswerValue]:
    """The answers that apply under `spec`: indicators it has, "not applicable" only where allowed."""
    carried = {}
    for code, value in answers.items():
        indicator = spec.indicator(code)
        if indicator is None or (value == NOT_APPLICABLE and not indicator.allows_na):
            continue
        carried[code] = value
    return carried


def _check_same_code(assessment: Assessment, framework: Framework) -> None:
    if assessment.framework.code != framework.code:
        raise VersionError(_("Assessment %(id)s uses framework %(own)s, not %(other)s.") % {
            "id": assessment.pk, "own": assessment.framework.code, "other": framework.code})


def what_if(*, assessment: Assessment, framework: Framework) -> ScoreCard:
    """The assessment's scores under `framework` (a version of the same code), answers carried by
    indicator code; nothing is written."""
    _check_same_code(assessment, framework)
    spec = _spec(framework)
    return score_answers(spec=spec, answers=carried_answers(_answers_by_code([assessment.pk])[assessment.pk], spec))


@dataclass(frozen=True)
class ScoreChange:
    """One score of a region's latest assessment: now, and under the draft."""

    code: str  # "overall" or a dimension code
    old_score: float | None
    old_tier: str | None
    new_score: float | None
    new_tier: str | None

    @property
    def changed(self) -> bool:
        return self.old_score != self.new_score or self.old_tier != self.new_tier


@dataclass(frozen=True)
class RegionChange:
    region: Region
    assessment: Assessment
    old: ScoreCard
    new: ScoreCard
    scores: tuple[ScoreChange, ...]  # overall first, then the dimensions

    @property
    def changed(self) -> bool:
        return any(score.changed for score in self.scores)


def _score_changes(old: ScoreCard, new: ScoreCard) -> tuple[ScoreChange, ...]:
    changes = [ScoreChange("overall", old.overall, old.overall_tier, new.overall, new.overall_tier)]
    old_dims = {dim.code: dim for dim in old.dimensions}
    new_dims = {dim.code: dim for dim in new.dimensions}
    codes = list(new_dims) + [code for code in old_dims if code not in new_dims]
    for code in codes:
        before, after = old_dims.get(code), new_dims.get(code)
        changes.append(ScoreChange(
            code,
            before.score if before else None, before.tier if before else None,
            after.score if after else None, after.tier if after else None,
        ))
    return tuple(changes)


def latest_assessments(*, code: str) -> list[Assessment]:
    """Per region (by name), its latest assessment on framework `code`: the latest submitted one,
    else the latest draft."""
    def recency(assessment: Assessment) -> tuple:
        if assessment.is_submitted:
            return (1, assessment.submitted_at or assessment.created_at, assessment.pk)
        return (0, assessment.created_at, assessment.pk)

    latest: dict[int, Assessment] = {}
    for assessment in Assessment.objects.filter(framework__code=code).select_related("region", "framework"):
        current = latest.get(assessment.region_id)
        if current is None or recency(assessment) > recency(current):
            latest[assessment.region_id] = assessment
    return sorted(latest.values(), key=lambda a: a.region.name)


def publication_preview(*, draft: Framework) -> list[RegionChange]:
    """Per region: its latest assessment scored under its own version and under `draft`."""
    assessments = latest_assessments(code=draft.code)
    answers = _answers_by_code([a.pk for a in assessments])
    specs: dict[int, FrameworkSpec] = {draft.pk: _spec(draft)}
    changes = []
    for assessment in assessments:
        if assessment.framework_id not in specs:
            specs[assessment.framework_id] = _spec(assessment.framework)
        own = specs[assessment.framework_id]
        old = score_answers(spec=own, answers=carried_answers(answers[assessment.pk], own))
        new = score_answers(spec=specs[draft.pk], answers=carried_answers(answers[assessment.pk], specs[draft.pk]))
        changes.append(RegionChange(region=assessment.region, assessment=assessment, old=old, new=new,
                                    scores=_score_changes(old, new)))
    return changes


# --- moving a draft assessment --------------------------------------------------------------------


@dataclass(frozen=True)
class MoveResult:
    assessment: Assessment
    from_version: int
    to_version: int
    carried: tuple[str, ...]  # answered indicators whose answers now belong to the new version
    removed: tuple[str, ...]  # indicators of the old version the new one does not have
    discarded: tuple[str, ...]  # answers deleted: removed indicators, or "not applicable" no longer allowed
    added: tuple[str, ...]  # indicators new in the new version, left unanswered


def move_assessment(*, assessment: Assessment, framework: Framework) -> MoveResult:
    """Move a draft assessment to another published version of its framework: each answer follows
    its indicator code; answers to removed indicators (and "not applicable" where the new version no
    longer allows it) are deleted and listed; new indicators stay unanswered."""
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
        if assessment.is_submitted:
            raise VersionError(_(
                "Assessment %(id)s is submitted: it keeps the version it was submitted under. "
                "Only draft assessments can be moved."
            ) % {"id": assessment.pk})
        _check_same_code(assessment, framework)
        if framework.pk == assessment.framework_id:
            raise VersionError(_("Assessment %(id)s already uses %(framework)s.") % {
                "id": assessment.pk, "framework": framework})
        if not framework.is_published:
            raise VersionError(_("%(framework)s is not published: assessments can only move to a "
                                 "published version.") % {"framework": framework})
        old_codes = list(Indicator.objects.filter(subdimension__dimension__framework=assessment.framework_id)
                         .values_list("code", flat=True))
        targets = {ind.code: ind for ind in Indicator.objects.filter(subdimension__dimension__framework=framework)}
        carried, discarded = [], []
        for answer in Answer.objects.filter(assessment=assessment).select_related("indicator"):
            code = answer.indicator.code
            target = targets.get(code)
            if target is None or (answer.not_applicable and not target.allows_na):
                discarded.append(code)
                answer.delete()
                continue
            answer.indicator = target
            answer.revision += 1
            answer.save(update_fields=["indicator", "revision", "updated_at"])
            carried.append(code)
        from_version = assessment.framework.version
        known = set(old_codes)
        assessment.framework = framework
        assessment.save(update_fields=["framework", "updated_at"])
    return MoveResult(
        assessment=assessment,
        from_version=from_version,
        to_version=framework.version,
        carried=tuple(sorted(carried, key=old_codes.index)),
        removed=tuple(code for code in old_codes if code not in targets),
        discarded=tuple(sorted(discarded, key=old_codes.index)),
        added=tuple(code for code in targets if code not in known),
    )
