"""The portfolio page: every region the user sees, with its latest submitted scores, and its PDF report.
Thin: scope, build (assessments.portfolio, assessments.portfolio_report), render."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.security import log_event
from assessments import access, portfolio
from assessments.downloads import attachment
from assessments.reports import ReportError


@never_cache
@login_required
@require_safe
def portfolio_page(request):
    context = portfolio.build(
        access.regions_visible_to(request.user),
        sort=request.GET.get("sort"), direction=request.GET.get("dir"),
        compare=request.GET.getlist("compare"),
    )
    return render(request, "assessments/portfolio.html", context)


@never_cache
@login_required
@require_safe
def portfolio_report_pdf(request):
    """The portfolio PDF of the user's regions (assessments/portfolio_report.py), in ?lang= or the
    UI's language."""
    from assessments.portfolio_report import render_portfolio_report

    language = request.GET.get("lang") or get_language()
    if language not in dict(settings.LANGUAGES):
        return HttpResponse(_("Unknown report language: choose zh-hans or en."), status=400,
                            content_type="text/plain; charset=utf-8")
    try:
        pdf = render_portfolio_report(regions=access.regions_visible_to(request.user), language=language)
    except ReportError:
        return HttpResponse(_("The PDF report could not be produced. Please try again."), status=503,
                            content_type="text/plain; charset=utf-8")
    log_event("export", request=request, portfolio=True, format="pdf", language=language)
    name = f"sodpa-portfolio-{timezone.localdate().isoformat()}-{language}.pdf"
    return attachment(pdf, content_type="application/pdf", filename=name, fallback=name)
