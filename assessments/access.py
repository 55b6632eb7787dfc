"""Who may see and do what: the one place every view, download, export and API route asks.

Tenant access comes only from a region's membership:
- official: the regions they are a member of — create, edit and submit their assessments;
- consultant: the regions assigned to them — read, comment, export, reopen submitted assessments.
Staff and superusers are no exception: `is_staff` and `is_superuser` grant no region. Editing the
questionnaire is a Django permission on the frameworks models (the group "framework editors",
frameworks/permissions.py), used in the admin only; it grants no tenant access either, and the
admin's region pages are for superusers (assessments/admin.py), with no assessment data.
Anything outside a user's regions is answered with 404 by the views (never 403: its existence is
not disclosed).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.security import log_event
from assessments.models import Assessment, Region


def regions_visible_to(user) -> QuerySet[Region]:
    if not user.is_authenticated or not user.is_active:
        return Region.objects.none()
    members = Region.officials.through.objects.filter(region=OuterRef("pk"), user=user)
    assigned = Region.consultants.through.objects.filter(region=OuterRef("pk"), user=user)
    return Region.objects.filter(Q(Exists(members)) | Q(Exists(assigned)))


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(region__in=regions_visible_to(user))


def visible_assessment_or_404(user, assessment_id: int) -> Assessment:
    """The assessment if the user may see it, else 404 (its existence is not disclosed)."""
    from django.http import Http404

    assessment = assessments_visible_to(user).select_related("region", "framework").filter(pk=assessment_id).first()
    if assessment is None:
        if Assessment.objects.filter(pk=assessment_id).exists():
            log_event("access_denied", user=user.get_username(), assessment=assessment_id)
        raise Http404
    return assessment


def is_official_of(user, region: Region) -> bool:
    return region.officials.filter(pk=user.pk).exists()


def is_consultant_of(user, region: Region) -> bool:
    return region.consultants.filter(pk=user.pk).exists()


def answerable_region_ids(user, regions: list[Region]) -> set[int]:
    """Of these regions, those whose assessments the user fills in (one query for a list page)."""
    return set(
        Region.officials.through.objects.filter(user=user, region__in=regions).values_list("region_id", flat=True)
    )


def can_create_assessment(user, region: Region) -> bool:
    return is_official_of(user, region)


def may_answer(user, region: Region) -> bool:
    """The role that fills in a region's assessments (whatever their status)."""
    return is_official_of(user, region)


def may_review(user, region: Region) -> bool:
    """The role that reviews a region's assessments and may reopen them."""
    return is_consultant_of(user, region)


def can_edit(user, assessment: Assessment) -> bool:
    return not assessment.is_submitted and may_answer(user, assessment.region)


def can_submit(user, assessment: Assessment) -> bool:
    return can_edit(user, assessment)


def can_reopen(user, assessment: Assessment) -> bool:
    return assessment.is_submitted and may_review(user, assessment.region)


def can_comment(user, assessment: Assessment) -> bool:
    return is_consultant_of(user, assessment.region) or is_official_of(user, assessment.region)


def can_attach_evidence(user, assessment: Assessment) -> bool:
    """Attaching and deleting evidence files: those who answer the assessment (a submitted one refuses
    the change with its reason, assessments/evidence.py). Reading them: whoever sees the assessment."""
    return may_answer(user, assessment.region)
