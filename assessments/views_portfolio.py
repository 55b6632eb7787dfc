"""The portfolio page: every region the user sees, with its latest submitted scores. Thin: scope,
build (assessments.portfolio), render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments import access, portfolio


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
