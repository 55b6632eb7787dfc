"""The PDF report: prepared in the background (django-tasks) and downloaded, scoped like every other
view, served from the render cache.

- POST report/prepare?lang=  → {"status": "ready", "url"} when the PDF of the assessment's current
  state is cached, else enqueues its render (once per state) → {"status": "pending", "poll"}; with the
  immediate backend the render runs in this request and the answer is "ready" or "failed".
- GET report/status?lang=    → {"status": "ready" | "pending" | "failed" | "none", …}; "none": nothing
  is cached or under way for the current state (it changed meanwhile), so prepare again.
- GET report.pdf?lang=       → the cached PDF, or rendered in the request when not cached (no
  JavaScript needed).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.security import log_event
from assessments.access import visible_assessment_or_404
from assessments.downloads import attachment, safe_filename
from assessments.reports import ReportError, cached_report
from assessments.tasks import JobState, ReportJob, prepare_report, report_job_state
from frameworks.enums import Language

REPORT_LANGUAGES = tuple(Language.values)


def _report_language(request) -> str | None:
    language = request.GET.get("lang") or get_language()
    return language if language in REPORT_LANGUAGES else None


def _unknown_language_message() -> str:
    return _("Unknown report language: choose zh-hans or en.")


def _job_answer(assessment_id: int, language: str, state: JobState) -> JsonResponse:
    query = f"?lang={language}"
    body: dict = {"status": state.status}
    if state.status == ReportJob.READY:
        body["url"] = reverse("report_pdf", args=[assessment_id]) + query
    elif state.status == ReportJob.PENDING:
        body["poll"] = reverse("report_status", args=[assessment_id]) + query
    elif state.status == ReportJob.FAILED:
        body["message"] = _("The PDF report could not be produced. Please try again.")
    else:
        body["prepare"] = reverse("report_prepare", args=[assessment_id]) + query
    return JsonResponse(body)


@never_cache
@login_required
@require_POST
def report_prepare(request, assessment_id: int):
    assessment = visible_assessment_or_404(request.user, assessment_id)
    language = _report_language(request)
    if language is None:
        return JsonResponse({"status": "error", "message": _unknown_language_message()}, status=400)
    state = prepare_report(assessment=assessment, language=language)
    return _job_answer(assessment.pk, language, state)


@never_cache
@login_required
@require_safe
def report_status(request, assessment_id: int):
    assessment = visible_assessment_or_404(request.user, assessment_id)
    language = _report_language(request)
    if language is None:
        return JsonResponse({"status": "error", "message": _unknown_language_message()}, status=400)
    return _job_answer(assessment.pk, language, report_job_state(assessment=assessment, language=language))


def _report_download(request, assessment_id: int, *, extension: str, content_type: str, produce):
    """Scope, check the language, produce the document (`produce(assessment, language)` → bytes and
    whether it came from the cache, or None), log the export and answer it as an attachment."""
    assessment = visible_assessment_or_404(request.user, assessment_id)
    language = _report_language(request)
    if language is None:
        return HttpResponse(_unknown_language_message(), status=400, content_type="text/plain; charset=utf-8")
    try:
        content, from_cache = produce(assessment, language)
    except ReportError:
        return render(request, "reports/failed.html", {"assessment": assessment}, status=503)
    log_event("export", request=request, assessment=assessment.pk, format=extension, language=language)
    response = attachment(content, content_type=content_type,
                          filename=safe_filename(assessment.region.name, assessment.title, language) + f".{extension}",
                          fallback=f"sodpa-report-{assessment.pk}-{slugify(language)}.{extension}")
    if from_cache is not None:
        response["X-Report-Cache"] = "hit" if from_cache else "miss"
    return response


@never_cache
@login_required
@require_safe
def report_pdf(request, assessment_id: int):
    return _report_download(
        request, assessment_id, extension="pdf", content_type="application/pdf",
        produce=lambda assessment, language: cached_report(assessment=assessment, language=language),
    )


@never_cache
@login_required
@require_safe
def report_docx(request, assessment_id: int):
    """The editable Word copy of the report (assessments/docx_report.py), scoped like the PDF."""
    from assessments.docx_report import DOCX_CONTENT_TYPE, render_docx

    return _report_download(
        request, assessment_id, extension="docx", content_type=DOCX_CONTENT_TYPE,
        produce=lambda assessment, language: (render_docx(assessment=assessment, language=language), None),
    )
