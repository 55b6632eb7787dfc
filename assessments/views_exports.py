"""Data downloads (XLSX, CSV) of one assessment or of a user's whole portfolio. Thin: scope, build
the tables (assessments.exports), answer with an attachment. Outside the user's regions → 404; every
role that sees a region (official, consultant, admin) may download its data."""

import io
import re
import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments import access, exports
from assessments.models import Assessment

CSV_PARTS = (exports.ANSWERS_SHEET, exports.SCORES_SHEET)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def _filename(*parts: str) -> str:
    """A readable file name (Chinese kept) without characters file systems or headers refuse."""
    text = "-".join(" ".join(_UNSAFE.sub(" ", unicodedata.normalize("NFC", part)).split()) for part in parts if part)
    return text[:150].strip(" .-") or "export"


def attachment(content: bytes, *, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """`filename` may be Chinese (RFC 5987 filename*); `fallback` is the plain-ASCII name for old clients."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename, safe="")}'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _part(request) -> str:
    part = request.GET.get("part", exports.ANSWERS_SHEET)
    if part not in CSV_PARTS:
        raise BadRequest(f"part must be one of {', '.join(CSV_PARTS)}")
    return part


def _xlsx(assessments) -> bytes:
    answers, scores = exports.frames(assessments)
    buffer = io.BytesIO()
    exports.write_xlsx(buffer, answers, scores)
    return buffer.getvalue()


def _csv(assessments, part: str) -> bytes:
    frame = exports.answers_frame(assessments) if part == exports.ANSWERS_SHEET else exports.scores_frame(assessments)
    return exports.csv_bytes(frame)


def _visible_assessment(request, assessment_id: int) -> Assessment:
    return get_object_or_404(access.assessments_visible_to(request.user).select_related("region"), pk=assessment_id)


def _portfolio(request):
    return access.assessments_visible_to(request.user).order_by("region__name", "created_at", "pk")


def _assessment_names(assessment: Assessment, suffix: str) -> dict:
    return {"filename": _filename(assessment.region.name, assessment.title, str(assessment.pk)) + suffix,
            "fallback": f"sodpa-assessment-{assessment.pk}{suffix}"}


def _portfolio_names(suffix: str) -> dict:
    name = f"sodpa-portfolio-{timezone.localdate().isoformat()}{suffix}"
    return {"filename": name, "fallback": name}


@never_cache
@require_safe
@login_required
def assessment_xlsx(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    return attachment(_xlsx([assessment]), content_type=exports.XLSX_CONTENT_TYPE,
                      **_assessment_names(assessment, ".xlsx"))


@never_cache
@require_safe
@login_required
def assessment_csv(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    part = _part(request)
    return attachment(_csv([assessment], part), content_type=exports.CSV_CONTENT_TYPE,
                      **_assessment_names(assessment, f"-{part}.csv"))


@never_cache
@require_safe
@login_required
def portfolio_xlsx(request):
    return attachment(_xlsx(_portfolio(request)), content_type=exports.XLSX_CONTENT_TYPE,
                      **_portfolio_names(".xlsx"))


@never_cache
@require_safe
@login_required
def portfolio_csv(request):
    part = _part(request)
    return attachment(_csv(_portfolio(request), part), content_type=exports.CSV_CONTENT_TYPE,
                      **_portfolio_names(f"-{part}.csv"))
