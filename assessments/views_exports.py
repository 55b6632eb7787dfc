"""Data downloads (XLSX, CSV) of one assessment or of a user's whole portfolio. Thin: scope, build
the tables (assessments.exports), answer with an attachment. Outside the user's regions → 404; every
role that sees a region (official, consultant, admin) may download its data."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.security import log_event
from assessments import access, exports
from assessments.downloads import attachment, safe_filename
from assessments.models import Assessment

CSV_PARTS = (exports.ANSWERS_SHEET, exports.SCORES_SHEET)
def _part(request) -> str:
    part = request.GET.get("part", exports.ANSWERS_SHEET)
    if part not in CSV_PARTS:
        raise BadRequest(f"part must be one of {', '.join(CSV_PARTS)}")
    return part


def _xlsx(assessments, *, portfolio: bool = False) -> bytes:
    """In the UI's language; a portfolio workbook gets the region × dimension comparison."""
    from assessments.readable_sheets import comparison_frame

    items = list(assessments.select_related("region")) if hasattr(assessments, "select_related") else assessments
    answers, scores = exports.frames(items)
    buffer = io.BytesIO()
    exports.write_xlsx(buffer, answers, scores, comparison=comparison_frame(items, scores) if portfolio else None)
    return buffer.getvalue()


def _csv(assessments, part: str) -> bytes:
    frame = exports.answers_frame(assessments) if part == exports.ANSWERS_SHEET else exports.scores_frame(assessments)
    return exports.csv_bytes(frame)


def _visible_assessment(request, assessment_id: int) -> Assessment:
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    log_event("export", request=request, assessment=assessment.pk, format=request.path.rsplit(".", 1)[-1])
    return assessment


def _portfolio(request):
    log_event("export", request=request, portfolio=True, format=request.path.rsplit(".", 1)[-1])
    return access.assessments_visible_to(request.user).order_by("region__name", "created_at", "pk")


def _assessment_names(assessment: Assessment, suffix: str) -> dict:
    return {"filename": safe_filename(assessment.region.name, assessment.title, str(assessment.pk)) + suffix,
            "fallback": f"sodpa-assessment-{assessment.pk}{suffix}"}


def _portfolio_names(suffix: str) -> dict:
    name = f"sodpa-portfolio-{timezone.localdate().isoformat()}{suffix}"
    return {"filename": name, "fallback": name}


@never_cache
@login_required
@require_safe
def assessment_xlsx(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    return attachment(_xlsx([assessment]), content_type=exports.XLSX_CONTENT_TYPE,
                      **_assessment_names(assessment, ".xlsx"))


@never_cache
@login_required
@require_safe
def assessment_csv(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    part = _part(request)
    return attachment(_csv([assessment], part), content_type=exports.CSV_CONTENT_TYPE,
                      **_assessment_names(assessment, f"-{part}.csv"))


@never_cache
@login_required
@require_safe
def portfolio_xlsx(request):
    return attachment(_xlsx(_portfolio(request), portfolio=True), content_type=exports.XLSX_CONTENT_TYPE,
                      **_portfolio_names(".xlsx"))


@never_cache
@login_required
@require_safe
def portfolio_csv(request):
    part = _part(request)
    return attachment(_csv(_portfolio(request), part), content_type=exports.CSV_CONTENT_TYPE,
                      **_portfolio_names(f"-{part}.csv"))
