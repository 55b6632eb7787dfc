"""Assessments across framework versions (the part of versioning that knows assessments):

- `what_if` scores an assessment under another version without writing anything;
- `publication_preview` shows, per region, how its latest assessment would score under a draft;
- `plan_move` says, before anything is written, what moving a draft assessment to another version
  does: which answers carry over (same indicator code), which indicators are new, which answers go
  (removed codes, or "not applicable" the new version does not allow for the region's kind);
- `move_assessment` does it.

Submitted assessments keep the version they were submitted under, and so their scores and reports.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Answer, Assessment, Region
from assessments.scoring import NOT_APPLICABLE, AnswerValue, ScoreCard, score_answers
from frameworks.models import Framework, Indicator
from frameworks.spec import FrameworkSpec, framework_spec
from frameworks.versions import VersionError


def _spec(framework: Framework) -> FrameworkSpec:
    return framework_spec(framework=Framework.objects.with_questionnaire().get(pk=framework.pk))


def _answers_by_code(assessment_ids: list[int]) -> dict[int, dict[str, AnswerValue]]:
    answers: dict[int, dict[str, AnswerValue]] = {pk: {} for pk in assessment_ids}
    rows = Answer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "indicator__code", "level", "not_applicable")
    for assessment_id, code, level, not_applicable in rows:
        answers[assessment_id][code] = NOT_APPLICABLE if not_applicable else level
    return answers


def carried_answers(answers: dict[str, AnswerValue], spec: FrameworkSpec,
                    kind: str | None = None) -> dict[str, AnswerValue]:
    """The answers that apply under `spec`: indicators it has, "not applicable" only where allowed
    (for a region of `kind`, when given)."""
    carried = {}
    for code, value in answers.items():
        indicator = spec.indicator(code)
        if indicator is None or (value == NOT_APPLICABLE and not indicator.allows_na_for(kind)):
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
    answers = _answers_by_code([assessment.pk])[assessment.pk]
    return score_answers(spec=spec, answers=carried_answers(answers, spec, assessment.region.kind))


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
        kind, given = assessment.region.kind, answers[assessment.pk]
        old = score_answers(spec=own, answers=carried_answers(given, own, kind))
        new = score_answers(spec=specs[draft.pk], answers=carried_answers(given, specs[draft.pk], kind))
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


@dataclass(frozen=True)
class MovePlan:
    """What moving a draft to `target` would do; nothing is written to know it."""

    assessment: Assessment
    target: Framework
    carried: tuple[str, ...]  # answered indicators whose answers carry over (same code)
    added: tuple[str, ...]  # indicators new in the target, left unanswered
    gone_removed: tuple[str, ...]  # answers to indicators the target does not have: deleted
    gone_na: tuple[str, ...]  # "not applicable" the target does not allow for this region's kind: deleted
    needs_reason: tuple[str, ...]  # carried "not applicable" answers the target wants a reason for

    @property
    def gone(self) -> tuple[str, ...]:
        return self.gone_removed + self.gone_na


def _check_movable(assessment: Assessment, framework: Framework) -> None:
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


def _sorted(codes, order: list[str]) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda code: order.index(code) if code in order else len(order)))


def plan_move(*, assessment: Assessment, framework: Framework) -> MovePlan:
    """What `move_assessment` would do, for showing before the official confirms."""
    _check_movable(assessment, framework)
    old_codes = list(Indicator.objects.filter(subdimension__dimension__framework=assessment.framework_id)
                     .values_list("code", flat=True))
    targets = {ind.code: ind for ind in Indicator.objects.filter(subdimension__dimension__framework=framework)}
    kind = assessment.region.kind
    carried, removed, na_gone, needs_reason = [], [], [], []
    for answer in Answer.objects.filter(assessment=assessment).select_related("indicator"):
        code, target = answer.indicator.code, targets.get(answer.indicator.code)
        if target is None:
            removed.append(code)
        elif answer.not_applicable and not target.allows_na_for(kind):
            na_gone.append(code)
        else:
            carried.append(code)
            if answer.not_applicable and framework.na_requires_reason and not answer.evidence.strip():
                needs_reason.append(code)
    known = set(old_codes)
    return MovePlan(
        assessment=assessment, target=framework,
        carried=_sorted(carried, old_codes), added=tuple(code for code in targets if code not in known),
        gone_removed=_sorted(removed, old_codes), gone_na=_sorted(na_gone, old_codes),
        needs_reason=_sorted(needs_reason, old_codes),
    )


def newer_version(*, assessment: Assessment) -> Framework | None:
    """The latest published version of the assessment's framework when it is newer than the
    assessment's own and the assessment is a draft; otherwise None."""
    if assessment.is_submitted:
        return None
    latest = Framework.objects.latest_published(assessment.framework.code)
    return latest if latest is not None and latest.version > assessment.framework.version else None


def _move_evidence(*, assessment: Assessment, targets: dict[str, Indicator]) -> None:
    """Evidence files follow their indicator's code; a file of a removed indicator stays attached to
    it (listed on the results page, in the report and in the ZIP: no file is lost by a move)."""
    from assessments.evidence_models import EvidenceFile

    for row in EvidenceFile.objects.filter(assessment=assessment).select_related("indicator"):
        if row.indicator.code in targets:
            EvidenceFile.objects.filter(pk=row.pk).update(indicator=targets[row.indicator.code])


def move_assessment(*, assessment: Assessment, framework: Framework) -> MoveResult:
    """Move a draft assessment to another published version of its framework: each answer follows
    its indicator code; answers to removed indicators (and "not applicable" where the new version no
    longer allows it for the region's kind) are deleted and listed; new indicators stay unanswered."""
    with transaction.atomic():
        assessment = (Assessment.objects.select_for_update(of=("self",)).select_related("framework", "region")
                      .get(pk=assessment.pk))
        _check_movable(assessment, framework)
        old_codes = list(Indicator.objects.filter(subdimension__dimension__framework=assessment.framework_id)
                         .values_list("code", flat=True))
        targets = {ind.code: ind for ind in Indicator.objects.filter(subdimension__dimension__framework=framework)}
        carried, discarded = [], []
        for answer in Answer.objects.filter(assessment=assessment).select_related("indicator"):
            code = answer.indicator.code
            target = targets.get(code)
            if target is None or (answer.not_applicable and not target.allows_na_for(assessment.region.kind)):
                discarded.append(code)
                answer.delete()
                continue
            answer.indicator = target
            answer.revision += 1
            answer.save(update_fields=["indicator", "revision", "updated_at"])
            carried.append(code)
        _move_evidence(assessment=assessment, targets=targets)
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
