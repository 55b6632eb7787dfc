"""Named selectors: the one definition of "submitted in order", "latest submitted per region",
"previous submitted" and "answer values", used by every page, report, export, API route and
benchmark (so they cannot disagree about a region).

Submission order: by submission time, and for a submitted row without one (an archive imported
without a date) by its creation time; ties by id. The same on SQLite and PostgreSQL.
"""

from collections.abc import Iterable

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments.models import Answer, Assessment, Region
from assessments.scoring import NOT_APPLICABLE, AnswerValue

SUBMITTED_AT = Coalesce("submitted_at", "created_at")


def _submitted() -> QuerySet[Assessment]:
    return Assessment.objects.filter(status=Assessment.Status.SUBMITTED).annotate(submitted_order=SUBMITTED_AT)


def submitted_in_order(*, region: Region) -> QuerySet[Assessment]:
    """The region's submitted assessments, oldest first, with their framework version."""
    return _submitted().filter(region=region).select_related("framework").order_by("submitted_order", "pk")


def latest_submitted_per_region(*, regions: QuerySet[Region]) -> QuerySet[Assessment]:
    """Each region's latest submitted assessment, with its region and framework (one query; regions
    without one are left out). Callers may annotate further."""
    latest = (_submitted().filter(region=OuterRef("region_id"))
              .order_by(F("submitted_order").desc(), "-pk").values("pk")[:1])
    return (Assessment.objects.filter(region__in=regions, status=Assessment.Status.SUBMITTED)
            .annotate(latest_id=Subquery(latest)).filter(pk=F("latest_id"))
            .select_related("region", "framework").order_by("region_id"))


def previous_submitted(*, assessment: Assessment) -> Assessment | None:
    """The region's latest submitted assessment before this one in submission order (for a draft:
    the region's latest submitted assessment)."""
    earlier = _submitted().filter(region_id=assessment.region_id).exclude(pk=assessment.pk)
    if assessment.is_submitted:
        key = assessment.submitted_at or assessment.created_at
        earlier = earlier.filter(Q(submitted_order__lt=key) | Q(submitted_order=key, pk__lt=assessment.pk))
    return earlier.select_related("framework").order_by("-submitted_order", "-pk").first()


def answer_values(*, assessment: Assessment) -> dict[str, AnswerValue]:
    """Indicator code → 0–4, "na" or None (prefetched answers are used when the caller has them)."""
    cache = getattr(assessment, "_prefetched_objects_cache", {})
    if "answers" in cache:
        return {answer.indicator.code: answer.value for answer in assessment.answers.all()}
    return answer_values_for(assessment_ids=[assessment.pk])[assessment.pk]


def answer_values_for(*, assessment_ids: Iterable[int]) -> dict[int, dict[str, AnswerValue]]:
    """`answer_values` of many assessments in one query."""
    ids = list(assessment_ids)
    values: dict[int, dict[str, AnswerValue]] = {pk: {} for pk in ids}
    rows = Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "indicator__code", "level", "not_applicable")
    for assessment_id, code, level, not_applicable in rows:
        values[assessment_id][code] = NOT_APPLICABLE if not_applicable else level
    return values
