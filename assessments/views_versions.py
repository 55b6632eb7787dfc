"""Moving a draft assessment to the new edition of its framework: preview first, then confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import access
from assessments.versioning import move_assessment, newer_version, plan_move
from frameworks.models import Indicator
from frameworks.versions import VersionError


def _indicators(framework, codes) -> list[Indicator]:
    by_code = {ind.code: ind for ind in Indicator.objects.filter(subdimension__dimension__framework=framework,
                                                                   code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def move_to_new_edition(request, assessment_id: int):
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    if not access.may_answer(request.user, assessment.region):
        raise PermissionDenied
    target = newer_version(assessment=assessment)
    if target is None:
        if request.method == "POST":
            messages.error(request, _("There is no newer edition to move this assessment to."))
            return redirect("questionnaire", assessment.pk)
        return render(request, "assessments/move.html", {"assessment": assessment, "target": None})
    try:
        plan = plan_move(assessment=assessment, framework=target)
    except VersionError as error:
        messages.error(request, str(error))
        return redirect("questionnaire", assessment.pk)
    if request.method == "POST":
        try:
            result = move_assessment(assessment=assessment, framework=target)
        except VersionError as error:
            messages.error(request, str(error))
            return redirect("questionnaire", assessment.pk)
        messages.success(request, _(
            "Moved to version %(version)s: %(carried)s answers carried over, %(added)s new indicators to "
            "answer, %(gone)s answers removed."
        ) % {"version": result.to_version, "carried": len(result.carried), "added": len(result.added),
             "gone": len(result.discarded)})
        return redirect("questionnaire", assessment.pk)
    return render(request, "assessments/move.html", {
        "assessment": assessment, "target": target, "plan": plan,
        "added": _indicators(target, plan.added),
        "gone_removed": _indicators(assessment.framework, plan.gone_removed),
        "gone_na": _indicators(target, plan.gone_na),
        "needs_reason": plan.needs_reason,
    })
