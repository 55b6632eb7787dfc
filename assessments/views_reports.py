"""The PDF report download, scoped like every other view, served from the render cache."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.security import log_event
from assessments.access import visible_assessment_or_404
from assessments.downloads import attachment, safe_filename
from assessments.reports import ReportError, cached_report

REPORT_LANGUAGES = ("zh-hans", "en")


@login_required
@require_safe
def report_pdf(request, assessment_id: int):
    assessment = visible_assessment_or_404(request.user, assessment_id)
    language = request.GET.get("lang") or get_language()
    if language not in REPORT_LANGUAGES:
        return HttpResponse(_("Unknown report language: choose zh-hans or en."), status=400,
                            content_type="text/plain; charset=utf-8")
    try:
        pdf, from_cache = cached_report(assessment=assessment, language=language)
    except ReportError:
        return render(request, "reports/failed.html", {"assessment": assessment}, status=503)
    log_event("export", request=request, assessment=assessment.pk, format="pdf", language=language)
    response = attachment(pdf, content_type="application/pdf",
                          filename=safe_filename(assessment.region.name, assessment.title, language) + ".pdf",
                          fallback=f"sodpa-report-{assessment.pk}-{slugify(language)}.pdf")
    response["X-Report-Cache"] = "hit" if from_cache else "miss"
    return response
