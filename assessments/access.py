"""Who may see and do what: the one place every view, download, export and API route asks.

Tenant access comes only from a region's membership:
- official: the regions they are a member of — create, edit and submit their assessments;
- consultant: the regions assigned to them — read, comment, export, reopen submitted assessments;
- contributor: bureau staff a region's official invited (assessments/team.py) — they see only the
  assessments of the region they are assigned a part of, and there only the questionnaire of their
  parts: they answer those parts of a draft and attach and read their evidence files, never submit,
  reopen, plan, export or see results, and every other page of the assessment, like any other
  region, answers 404.
- assessor: a third-party evaluator given per region (guide 三(三) 二是) — read and export like a
  consultant (no comments, no reopening), and review;
- reviewer: a consultant serving the region or an assessor of it — reviews a submitted assessment
  answer by answer (accept, query) and verifies it; never changes an answer. The official answers
  the queries (assessments/review.py).
A user's roles in a region are resolved in ONE query and kept on the user object for the request
(`roles_in`); fetching a visible assessment resolves them in the same query, so the predicates
below cost no query on a page.
Staff and superusers are no exception: `is_staff` and `is_superuser` grant no region. Editing the
questionnaire is a Django permission on the frameworks models (the group "framework editors",
frameworks/permissions.py), used in the admin only; it grants no tenant access either, and the
admin's region pages are for superusers (assessments/admin.py), with no assessment data.
Anything outside a user's regions is answered with 404 by the views (never 403: its existence is
not disclosed).
"""

import enum
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.security import log_event
from assessments.models import Assessment, Assignment, Region

_MEMO = "_sodpa_roles"  # on the user object: {region id: frozenset of roles}, for the request


class Role(enum.StrEnum):
    OFFICIAL = "official"
    CONSULTANT = "consultant"
    CONTRIBUTOR = "contributor"
    ASSESSOR = "assessor"


def _role_exists(user, region_ref: str) -> dict[str, Exists]:
    return {
        Role.OFFICIAL: Exists(Region.officials.through.objects.filter(region=OuterRef(region_ref), user=user)),
        Role.CONSULTANT: Exists(Region.consultants.through.objects.filter(region=OuterRef(region_ref), user=user)),
        Role.CONTRIBUTOR: Exists(Region.contributors.through.objects.filter(region=OuterRef(region_ref), user=user)),
        Role.ASSESSOR: Exists(Region.assessors.through.objects.filter(region=OuterRef(region_ref), user=user)),
    }


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _remember(user, region_id: int, roles: frozenset[Role]) -> frozenset[Role]:
    memo = getattr(user, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(user, _MEMO, memo)
    memo[region_id] = roles
    return roles


def _roles_of_row(row) -> frozenset[Role]:
    return frozenset(role for role in Role if getattr(row, f"role_{role}", False))


def roles_in(user, region: Region) -> frozenset[Role]:
    """The user's roles in the region: one query the first time, then kept on the user object (a
    request's user is loaded per request, so the memo lives as long as the request)."""
    if not _signed_in(user):
        return frozenset()
    known = getattr(user, _MEMO, {}).get(region.pk)
    if known is not None:
        return known
    flags = (Region.objects.filter(pk=region.pk)
             .annotate(**{f"role_{role}": exists for role, exists in _role_exists(user, "pk").items()})
             .values_list(*(f"role_{role}" for role in Role)).first()) or (False,) * len(Role)
    return _remember(user, region.pk, frozenset(role for role, flag in zip(Role, flags, strict=True) if flag))


def forget_roles(user) -> None:
    """After a membership change within the same request (or test)."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


def regions_visible_to(user) -> QuerySet[Region]:
    if not _signed_in(user):
        return Region.objects.none()
    members = Region.officials.through.objects.filter(region=OuterRef("pk"), user=user)
    assigned = Region.consultants.through.objects.filter(region=OuterRef("pk"), user=user)
    assessing = Region.assessors.through.objects.filter(region=OuterRef("pk"), user=user)
    return Region.objects.filter(Q(Exists(members)) | Q(Exists(assigned)) | Q(Exists(assessing)))


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(region__in=regions_visible_to(user))


def assessments_assigned_to(user) -> QuerySet[Assessment]:
    """The assessments a contributor has a part of, in regions they are still a contributor of."""
    if not _signed_in(user):
        return Assessment.objects.none()
    return Assessment.objects.filter(
        Exists(Region.contributors.through.objects.filter(region=OuterRef("region"), user=user)),
        Exists(Assignment.objects.filter(assessment=OuterRef("pk"), user=user)),
    )


def _assessment_or_404(user, assessment_id: int, *, contributors: bool) -> Assessment:
    if not _signed_in(user):
        raise Http404
    roles = _role_exists(user, "region")
    allowed = (Q(**{f"role_{Role.OFFICIAL}": True}) | Q(**{f"role_{Role.CONSULTANT}": True})
               | Q(**{f"role_{Role.ASSESSOR}": True}))
    queryset = Assessment.objects.annotate(**{f"role_{role}": exists for role, exists in roles.items()})
    if contributors:
        queryset = queryset.annotate(assigned=Exists(Assignment.objects.filter(assessment=OuterRef("pk"), user=user)))
        allowed |= Q(**{f"role_{Role.CONTRIBUTOR}": True}, assigned=True)
    assessment = queryset.filter(allowed).select_related("region", "framework").filter(pk=assessment_id).first()
    if assessment is None:
        if Assessment.objects.filter(pk=assessment_id).exists():
            log_event("access_denied", user=user.get_username(), assessment=assessment_id)
        raise Http404
    _remember(user, assessment.region_id, _roles_of_row(assessment))
    return assessment


def visible_assessment_or_404(user, assessment_id: int) -> Assessment:
    """The assessment if the user may see it (official, consultant, assessor), else 404 (its existence is not
    disclosed). The user's roles in its region are resolved in the same query."""
    return _assessment_or_404(user, assessment_id, contributors=False)


def questionnaire_assessment_or_404(user, assessment_id: int) -> Assessment:
    """As `visible_assessment_or_404`, and also for a contributor assigned a part of it."""
    return _assessment_or_404(user, assessment_id, contributors=True)


def is_official_of(user, region: Region) -> bool:
    return Role.OFFICIAL in roles_in(user, region)


def is_consultant_of(user, region: Region) -> bool:
    return Role.CONSULTANT in roles_in(user, region)


def is_contributor_of(user, region: Region) -> bool:
    return Role.CONTRIBUTOR in roles_in(user, region)


def is_assessor_of(user, region: Region) -> bool:
    return Role.ASSESSOR in roles_in(user, region)


def answerable_region_ids(user, regions: Iterable[Region]) -> set[int]:
    """Of these regions, those whose assessments the user fills in (one query for a list page)."""
    return set(
        Region.officials.through.objects.filter(user=user, region__in=list(regions)).values_list("region_id", flat=True)
    )


def can_create_assessment(user, region: Region) -> bool:
    return is_official_of(user, region)


def may_answer(user, region: Region) -> bool:
    """The role that fills in a region's whole assessments (whatever their status) and alone submits."""
    return is_official_of(user, region)


def may_review(user, region: Region) -> bool:
    """The role that reviews a region's assessments and may reopen them."""
    return is_consultant_of(user, region)


def can_edit(user, assessment: Assessment) -> bool:
    return not assessment.is_submitted and may_answer(user, assessment.region)


def can_contribute(user, assessment: Assessment) -> bool:
    """A contributor answers their parts of a draft (which parts: assessments/team.py)."""
    return (not assessment.is_submitted and not may_answer(user, assessment.region)
            and is_contributor_of(user, assessment.region))


def can_submit(user, assessment: Assessment) -> bool:
    return can_edit(user, assessment)


def can_reopen(user, assessment: Assessment) -> bool:
    return assessment.is_submitted and may_review(user, assessment.region)


def can_comment(user, assessment: Assessment) -> bool:
    return bool(roles_in(user, assessment.region) & {Role.CONSULTANT, Role.OFFICIAL})


def can_manage_team(user, assessment: Assessment) -> bool:
    """The coordinator (the region's official) invites contributors, assigns parts, sets consensus."""
    return may_answer(user, assessment.region)


def may_review_answers(user, region: Region) -> bool:
    """A reviewer of the region: a consultant serving it or an assessor of it."""
    return is_consultant_of(user, region) or is_assessor_of(user, region)


def can_review(user, assessment: Assessment) -> bool:
    """Start a review, accept or query an answer, verify: a reviewer, on a submitted assessment."""
    return assessment.is_submitted and may_review_answers(user, assessment.region)


def can_respond_to_review(user, assessment: Assessment) -> bool:
    """Answer a query (reply, or change the queried answer with a reason): who answers the region's
    assessments, on a submitted one."""
    return assessment.is_submitted and may_answer(user, assessment.region)


def is_assigned_indicator(user, assessment: Assessment, indicator) -> bool:
    """The indicator lies in one of the user's parts of the assessment (its dimension or its
    sub-dimension; `indicator` with its sub-dimension and dimension loaded)."""
    parts = [indicator.subdimension.dimension.code, indicator.subdimension.code]
    return Assignment.objects.filter(assessment=assessment, user=user, part__in=parts).exists()


def can_attach_evidence(user, assessment: Assessment, *, indicator=None) -> bool:
    """Attaching and deleting evidence files: those who answer the assessment, and a contributor on
    the indicators of their parts (a submitted assessment refuses the change with its reason,
    assessments/evidence.py)."""
    if may_answer(user, assessment.region):
        return True
    return (indicator is not None and Role.CONTRIBUTOR in roles_in(user, assessment.region)
            and is_assigned_indicator(user, assessment, indicator))


def can_read_evidence(user, assessment: Assessment, *, indicator) -> bool:
    """Reading an evidence file: whoever sees the assessment, and a contributor assigned its indicator."""
    roles = roles_in(user, assessment.region)
    if roles & {Role.OFFICIAL, Role.CONSULTANT, Role.ASSESSOR}:
        return True
    return Role.CONTRIBUTOR in roles and is_assigned_indicator(user, assessment, indicator)
