"""A region's team on an assessment: the coordinator (the region's official) invites contributors,
assigns them parts (a dimension such as "S" or a sub-dimension such as "S1"), follows progress per
part and per person, and sets the consolidated answer where several answered independently.

Who may call these is decided by the views with assessments.access; here: what is allowed to change,
and the clear reason (`TeamError`) when something is not."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from assessments.answering import Conflict, Edit, SaveResult, save_step
from assessments.consensus import PartSpread, part_spread
from assessments.models import Answer, Assessment, Assignment, Region, Response
from assessments.queries import answers_by_indicator
from assessments.scoring import NOT_APPLICABLE, AnswerValue
from frameworks.models import Framework, Indicator


class TeamError(Exception):
    """Refused; the message (translated) says why and is safe to show."""


# --- Parts ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    code: str
    name: str
    dimension_code: str
    indicators: tuple[Indicator, ...]

    @property
    def is_dimension(self) -> bool:
        return self.code == self.dimension_code


def parts_of(framework: Framework) -> list[Part]:
    """Every dimension, each followed by its sub-dimensions (framework with its questionnaire)."""
    parts = []
    for dimension in framework.dimensions.all():
        subs = list(dimension.subdimensions.all())
        parts.append(Part(code=dimension.code, name=dimension.name, dimension_code=dimension.code,
                          indicators=tuple(i for sub in subs for i in sub.indicators.all())))
        parts.extend(Part(code=sub.code, name=sub.name, dimension_code=dimension.code,
                          indicators=tuple(sub.indicators.all())) for sub in subs)
    return parts


def part_of(framework: Framework, code: str) -> Part | None:
    return next((part for part in parts_of(framework) if part.code == code), None)


# --- A contributor's scope ------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """What one contributor may answer in one assessment."""

    parts: tuple[str, ...]
    indicator_ids: frozenset[int]
    independent_ids: frozenset[int]  # answered into their own Response rows
    dimension_codes: frozenset[str]


def scope_of(*, parts: Iterable[Part], assignments: Iterable[tuple[str, bool]]) -> Scope:
    """Pure: the scope given the framework's parts and the user's (part code, independent) pairs."""
    by_code = {part.code: part for part in parts}
    chosen = [(by_code[code], independent) for code, independent in assignments if code in by_code]
    ids = frozenset(i.pk for part, _independent in chosen for i in part.indicators)
    independent = frozenset(i.pk for part, flag in chosen if flag for i in part.indicators)
    return Scope(parts=tuple(dict.fromkeys(part.code for part, _independent in chosen)), indicator_ids=ids,
                 independent_ids=independent, dimension_codes=frozenset(part.dimension_code for part, _i in chosen))


def contributor_scope(*, assessment: Assessment, user, framework: Framework) -> Scope:
    pairs = Assignment.objects.filter(assessment=assessment, user=user).values_list("part", "independent")
    return scope_of(parts=parts_of(framework), assignments=list(pairs))


def answers_for(*, assessment: Assessment, user, scope: Scope) -> dict[int, Answer | Response]:
    """What a contributor's questionnaire shows: the shared answers of their parts, and their own
    independent answers (never the others') where they answer independently."""
    shared: dict[int, Answer | Response] = {pk: answer for pk, answer in answers_by_indicator(assessment).items()
              if pk in scope.indicator_ids and pk not in scope.independent_ids}
    if scope.independent_ids:
        own = Response.objects.filter(assessment=assessment, user=user, indicator_id__in=scope.independent_ids)
        shared.update({response.indicator_id: response for response in own.select_related("user")})
    return shared


def _save_responses(*, assessment: Assessment, user, indicators: list[Indicator],
                    edits: Mapping[str, Edit]) -> SaveResult:
    with transaction.atomic():
        status = Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("status", flat=True)
        if list(status) != [Assessment.Status.DRAFT]:
            return SaveResult(saved=(), conflicts=(), submitted=True)
        current = {r.indicator_id: r for r in Response.objects.select_for_update()
                   .filter(assessment=assessment, user=user, indicator__in=indicators)}
        saved, conflicts = [], []
        for indicator in indicators:
            edit = edits.get(indicator.code)
            if edit is None or not edit.changed:
                continue
            response = current.get(indicator.pk)
            if response is not None and (response.value, response.evidence) == (edit.value, edit.evidence.strip()):
                continue
            if (response.revision if response else 0) != edit.seen_revision:  # their own other tab
                conflicts.append(Conflict(code=indicator.code, their_value=response.value if response else None,
                                          their_evidence=response.evidence if response else "",
                                          changed_by=user.get_username(),
                                          changed_at=response.updated_at if response else None))
                continue
            response = response or Response(assessment=assessment, indicator=indicator, user=user, revision=0)
            response.level = None if edit.value in (None, NOT_APPLICABLE) else edit.value
            response.not_applicable = edit.value == NOT_APPLICABLE
            response.evidence = edit.evidence.strip()
            response.revision += 1
            response.save()
            saved.append(indicator.code)
        if conflicts:
            transaction.set_rollback(True)
            return SaveResult(saved=(), conflicts=tuple(conflicts))
        return SaveResult(saved=tuple(saved), conflicts=())


def save_contributor_step(*, assessment: Assessment, user, indicators: list[Indicator], edits: Mapping[str, Edit],
                          scope: Scope) -> SaveResult:
    """A contributor's step: shared parts through `save_step` (revision check, conflicts refused),
    independent parts into the contributor's own responses. Indicators outside the scope are never
    written (the view refuses a step that sends them)."""
    mine = [i for i in indicators if i.pk in scope.indicator_ids]
    shared = [i for i in mine if i.pk not in scope.independent_ids]
    independent = [i for i in mine if i.pk in scope.independent_ids]
    with transaction.atomic():
        first = save_step(assessment=assessment, user=user, indicators=shared, edits=dict(edits)) if shared \
            else SaveResult(saved=(), conflicts=())
        if first.submitted or first.conflicts:
            return first
        second = _save_responses(assessment=assessment, user=user, indicators=independent, edits=edits) \
            if independent else SaveResult(saved=(), conflicts=())
        if second.conflicts or second.submitted:
            transaction.set_rollback(True)
            return second
        return SaveResult(saved=first.saved + second.saved, conflicts=())


def refused_codes(*, indicators: Iterable[Indicator], data: Mapping[str, object], scope: Scope) -> list[str]:
    """Indicators outside the contributor's parts that the posted step sends values for."""
    return [i.code for i in indicators if i.pk not in scope.indicator_ids
            and any(f"i_{i.code.replace('.', '_')}-{suffix}" in data for suffix in ("level", "evidence"))]


# --- Inviting -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Invitation:
    user: Any  # the user model (get_user_model())
    created: bool
    set_password_path: str | None  # shown once, to the coordinator, for a new user


def _find_user(identifier: str):
    User = get_user_model()  # noqa: N806
    matches = list(User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))[:3])
    exact = [user for user in matches if user.username.lower() == identifier.lower()]
    if exact:
        return exact[0]
    if len(matches) > 1:
        raise TeamError(_("Several users have the e-mail address %(address)s: give the user name instead.")
                        % {"address": identifier})
    return matches[0] if matches else None


def _new_username(email: str) -> str:
    User = get_user_model()  # noqa: N806
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0])[:140] or "contributor"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def set_password_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def invite_contributor(*, region: Region, by, identifier: str, email: str = "", name: str = "") -> Invitation:
    """Make a user a contributor of the region: an existing user (by user name or e-mail address),
    or a new one, without a password, with a one-time link to set it (`set_password_path`)."""
    identifier, email, name = identifier.strip(), email.strip(), name.strip()[:150]
    if not identifier:
        raise TeamError(_("Give the contributor's user name or e-mail address."))
    user = _find_user(identifier)
    if user is not None:
        if not user.is_active:
            raise TeamError(_("The user %(name)s is deactivated.") % {"name": user.get_username()})
        if region.officials.filter(pk=user.pk).exists():
            raise TeamError(_("%(name)s is already an official of %(region)s and answers every part.")
                            % {"name": user.get_username(), "region": region.name})
        region.contributors.add(user)
        return Invitation(user=user, created=False, set_password_path=None)
    if "@" in identifier:
        email = email or identifier
        username = _new_username(identifier)
    else:
        username = identifier
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as error:
            raise TeamError(_("“%(name)s” is not a valid user name: use letters, digits and @/./+/-/_ only.")
                            % {"name": username[:150]}) from error
        if len(username) > 150:
            raise TeamError(_("A user name has at most 150 characters."))
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise TeamError(_("“%(address)s” is not a valid e-mail address.") % {"address": email[:254]}) from error
    first, _sep, last = name.partition(" ")
    user = get_user_model()(username=username, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    region.contributors.add(user)
    return Invitation(user=user, created=True, set_password_path=set_password_path(user))


# --- Assigning ------------------------------------------------------------------------------------

def _check_contributor(assessment: Assessment, user) -> None:
    if not assessment.region.contributors.filter(pk=user.pk).exists():
        raise TeamError(_("%(name)s is not a contributor of %(region)s: invite them first.")
                        % {"name": user.get_username(), "region": assessment.region.name})


def _check_draft(assessment: Assessment) -> None:
    if assessment.is_submitted:
        raise TeamError(_("This assessment is submitted: its parts can no longer be assigned."))


def assign(*, assessment: Assessment, user, part: str, independent: bool, by, framework: Framework) -> Assignment:
    _check_draft(assessment)
    if part_of(framework, part) is None:
        raise TeamError(_("There is no part %(part)s in this questionnaire.") % {"part": part[:20]})
    _check_contributor(assessment, user)
    assignment, created = Assignment.objects.get_or_create(
        assessment=assessment, user=user, part=part, defaults={"independent": independent, "assigned_by": by})
    changed = not created and assignment.independent != independent
    if changed:
        assignment.independent = independent
        assignment.assigned_by = by
        assignment.save(update_fields=["independent", "assigned_by"])
    if created or changed:
        _tell_assigned(assignment=assignment, by=by)
    return assignment


def _tell_assigned(*, assignment: Assignment, by) -> None:
    """The contributor's inbox (and mail) says which part is theirs, and who gave it."""
    from assessments.inbox import notify

    part = assignment.part  # the text is rendered in the reader's language, so only the code is kept
    notify(users=[assignment.user], kind="assignment", assessment=assignment.assessment, exclude=by,
           params={"who": (by.get_full_name() or by.get_username()) if by else "", "parts": part})


def reassign(*, assignment: Assignment, to_user, by) -> Assignment:
    """Hand a part to another contributor (their earlier independent answers stay on record)."""
    _check_draft(assignment.assessment)
    _check_contributor(assignment.assessment, to_user)
    if Assignment.objects.filter(assessment=assignment.assessment, user=to_user, part=assignment.part).exists():
        raise TeamError(_("%(name)s already has part %(part)s.")
                        % {"name": to_user.get_username(), "part": assignment.part})
    assignment.user, assignment.assigned_by, assignment.assigned_at = to_user, by, timezone.now()
    assignment.save(update_fields=["user", "assigned_by", "assigned_at"])
    _tell_assigned(assignment=assignment, by=by)
    return assignment


def unassign(*, assignment: Assignment) -> None:
    _check_draft(assignment.assessment)
    assignment.delete()


# --- Progress -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssignmentProgress:
    assignment: Assignment
    answered: int
    total: int


@dataclass(frozen=True)
class PartProgress:
    part: Part
    answered: int  # consolidated answers (the real ones)
    total: int
    assignments: tuple[AssignmentProgress, ...]

    @property
    def independent(self) -> bool:
        return sum(1 for item in self.assignments if item.assignment.independent) >= 1


@dataclass(frozen=True)
class PersonProgress:
    user: Any
    parts: tuple[str, ...]
    answered: int
    total: int


def team_progress(*, parts: list[Part], assignments: list[Assignment], answered_ids: frozenset[int],
                  responded: frozenset[tuple[int, int]]) -> tuple[list[PartProgress], list[PersonProgress]]:
    """Pure: progress per assigned part (and per assignment in it) and per person. `answered_ids`:
    indicators with a consolidated answer; `responded`: (user id, indicator id) of independent answers."""
    by_code = {part.code: part for part in parts}

    def done(assignment: Assignment, indicator_id: int) -> bool:
        if assignment.independent:
            return (assignment.user_id, indicator_id) in responded
        return indicator_id in answered_ids

    rows = []
    for part in parts:
        mine = [a for a in assignments if a.part == part.code]
        if not mine:
            continue
        ids = [i.pk for i in part.indicators]
        rows.append(PartProgress(
            part=part, answered=sum(1 for pk in ids if pk in answered_ids), total=len(ids),
            assignments=tuple(AssignmentProgress(assignment=a, answered=sum(1 for pk in ids if done(a, pk)),
                                                 total=len(ids)) for a in mine)))
    people: dict[int, dict] = {}
    order = {part.code: number for number, part in enumerate(parts)}
    for assignment in sorted(assignments, key=lambda a: order.get(a.part, len(order))):
        assigned = by_code.get(assignment.part)
        if assigned is None:
            continue
        entry = people.setdefault(assignment.user_id, {"user": assignment.user, "parts": [], "done": {}})
        entry["parts"].append(assigned.code)
        for indicator in assigned.indicators:
            entry["done"][indicator.pk] = entry["done"].get(indicator.pk, False) or done(assignment, indicator.pk)
    persons = [PersonProgress(user=e["user"], parts=tuple(e["parts"]), answered=sum(e["done"].values()),
                              total=len(e["done"])) for e in people.values()]
    return rows, sorted(persons, key=lambda p: p.user.get_username())


def team_overview(*, assessment: Assessment, framework: Framework) -> dict:
    """The team page's data in a constant number of queries, whatever the number of assignments."""
    parts = parts_of(framework)
    assignments = list(Assignment.objects.filter(assessment=assessment).select_related("user"))
    answered = frozenset(Answer.objects.filter(assessment=assessment).filter(
        Q(level__isnull=False) | Q(not_applicable=True)).values_list("indicator_id", flat=True))
    responded = frozenset(Response.objects.filter(assessment=assessment).filter(
        Q(level__isnull=False) | Q(not_applicable=True)).values_list("user_id", "indicator_id"))
    part_rows, people = team_progress(parts=parts, assignments=assignments, answered_ids=answered,
                                      responded=responded)
    return {"parts": parts, "assignments": assignments, "part_rows": part_rows, "people": people,
            "contributors": list(assessment.region.contributors.order_by("username"))}


# --- Consensus ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RespondentAnswer:
    by: str
    value: AnswerValue
    evidence: str


@dataclass(frozen=True)
class ConsensusRow:
    indicator: Indicator
    responses: tuple[RespondentAnswer, ...]
    range: int | None
    deviation: float | None
    mixed_na: bool
    answer: Answer | None


def responses_by_indicator(*, assessment: Assessment, indicator_ids: Iterable[int] | None = None
                           ) -> dict[int, list[Response]]:
    rows = Response.objects.filter(assessment=assessment).select_related("user").order_by("user__username")
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    grouped: dict[int, list[Response]] = {}
    for response in rows:
        grouped.setdefault(response.indicator_id, []).append(response)
    return grouped


def consensus_of(*, assessment: Assessment, part: Part) -> tuple[list[ConsensusRow], PartSpread]:
    """Per indicator of the part: each respondent's level and evidence, the range and deviation, the
    consolidated answer; and the part's spread (assessments/consensus.py)."""
    grouped = responses_by_indicator(assessment=assessment, indicator_ids=[i.pk for i in part.indicators])
    answers = answers_by_indicator(assessment)
    spread = part_spread(values={i.code: [r.value for r in grouped.get(i.pk, [])] for i in part.indicators})
    rows = [ConsensusRow(indicator=indicator,
                         responses=tuple(RespondentAnswer(by=r.user.get_username(), value=r.value, evidence=r.evidence)
                                         for r in grouped.get(indicator.pk, [])),
                         range=item.range, deviation=item.deviation, mixed_na=item.mixed_na,
                         answer=answers.get(indicator.pk))
            for indicator, item in zip(part.indicators, spread.indicators, strict=True)]
    return rows, spread


def disagreements_of(*, assessment: Assessment, framework: Framework) -> list[ConsensusRow]:
    """Indicators of the assessment where independent respondents differed by two levels or more."""
    grouped = responses_by_indicator(assessment=assessment)
    if not grouped:
        return []
    rows = []
    for dimension in framework.dimensions.all():
        for sub in dimension.subdimensions.all():
            for indicator in sub.indicators.all():
                given = grouped.get(indicator.pk, [])
                spread = part_spread(values={indicator.code: [r.value for r in given]}).indicators[0]
                if spread.disagreement:
                    rows.append(ConsensusRow(
                        indicator=indicator, responses=tuple(RespondentAnswer(
                            by=r.user.get_username(), value=r.value, evidence=r.evidence) for r in given),
                        range=spread.range, deviation=spread.deviation, mixed_na=spread.mixed_na, answer=None))
    return rows


def my_assignments(*, user) -> list[dict]:
    """A contributor's assessments (in the regions they still contribute to) with their parts: one query."""
    from assessments.access import assessments_assigned_to

    rows: dict[int, dict] = {}
    for assignment in (Assignment.objects.filter(user=user, assessment__in=assessments_assigned_to(user))
                       .select_related("assessment__region").order_by("-assessment__created_at", "part")):
        entry = rows.setdefault(assignment.assessment_id, {"assessment": assignment.assessment, "parts": []})
        entry["parts"].append(assignment.part + ("*" if assignment.independent else ""))
    return list(rows.values())
