"""The coordinator's team page of an assessment (invite, assign, progress, reassign) and the
consensus page of a part answered independently. Thin: access, forms, assessments/team.py."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import access, team
from assessments.answering import Conflict, save_step
from assessments.models import Assessment, Assignment
from assessments.queries import answers_by_indicator, framework_with_questionnaire
from assessments.team_forms import AssignForm, InviteForm, ReassignForm


def _coordinated(request, assessment_id: int) -> Assessment:
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    if not access.can_manage_team(request.user, assessment):
        raise PermissionDenied
    return assessment


def _page(request, assessment: Assessment, *, invite_form=None, assign_form=None, invitation=None,
          status: int = 200):
    framework = framework_with_questionnaire(assessment.framework_id)
    overview = team.team_overview(assessment=assessment, framework=framework)
    contributors = assessment.region.contributors.order_by("username")
    return render(request, "assessments/team.html", {
        "assessment": assessment, **overview,
        "invite_form": invite_form or InviteForm(),
        "assign_form": assign_form or AssignForm(contributors=contributors, parts=overview["parts"]),
        "invitation": invitation,
        "set_password_url": request.build_absolute_uri(invitation.set_password_path)
        if invitation and invitation.set_password_path else None,
    }, status=status)


@never_cache
@login_required
@require_safe
def team_page(request, assessment_id: int):
    return _page(request, _coordinated(request, assessment_id))


@never_cache
@login_required
@require_POST
def team_invite(request, assessment_id: int):
    assessment = _coordinated(request, assessment_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nobody was invited: please correct the marked fields."))
        return _page(request, assessment, invite_form=form, status=400)
    try:
        invitation = team.invite_contributor(region=assessment.region, by=request.user, **form.cleaned_data)
    except team.TeamError as refused:
        form.add_error("identifier", str(refused))
        messages.error(request, _("Nobody was invited: %(reason)s") % {"reason": refused})
        return _page(request, assessment, invite_form=form, status=400)
    access.forget_roles(request.user)
    name = invitation.user.get_username()
    if invitation.created:
        messages.success(request, _("%(name)s is a new contributor of %(region)s. Give them the link below to "
                                    "set their password: it is shown only now.")
                         % {"name": name, "region": assessment.region.name})
    else:
        messages.success(request, _("%(name)s is a contributor of %(region)s.")
                         % {"name": name, "region": assessment.region.name})
    return _page(request, assessment, invitation=invitation)  # the link is in this response only


@login_required
@require_POST
def team_assign(request, assessment_id: int):
    assessment = _coordinated(request, assessment_id)
    framework = framework_with_questionnaire(assessment.framework_id)
    form = AssignForm(request.POST, contributors=assessment.region.contributors.all(), parts=team.parts_of(framework))
    if not form.is_valid():
        messages.error(request, _("Nothing was assigned: please correct the marked fields."))
        return _page(request, assessment, assign_form=form, status=400)
    try:
        assignment = team.assign(assessment=assessment, user=form.cleaned_data["user"], part=form.cleaned_data["part"],
                                 independent=form.cleaned_data["independent"], by=request.user, framework=framework)
    except team.TeamError as refused:
        messages.error(request, _("Nothing was assigned: %(reason)s") % {"reason": refused})
        return _page(request, assessment, assign_form=form, status=400)
    messages.success(request, _("Part %(part)s assigned to %(name)s.")
                     % {"part": assignment.part, "name": assignment.user.get_username()})
    return redirect("team", assessment.pk)


def _assignment(request, assessment_id: int, assignment_id: int) -> Assignment:
    assessment = _coordinated(request, assessment_id)
    assignment = get_object_or_404(Assignment.objects.select_related("user"), pk=assignment_id, assessment=assessment)
    assignment.assessment = assessment
    return assignment


@login_required
@require_POST
def team_reassign(request, assessment_id: int, assignment_id: int):
    assignment = _assignment(request, assessment_id, assignment_id)
    form = ReassignForm(request.POST, contributors=assignment.assessment.region.contributors.all())
    try:
        if not form.is_valid():
            raise team.TeamError(_("choose one of the region's contributors."))
        team.reassign(assignment=assignment, to_user=form.cleaned_data["user"], by=request.user)
    except team.TeamError as refused:
        messages.error(request, _("Not reassigned: %(reason)s") % {"reason": refused})
        return redirect("team", assessment_id)
    messages.success(request, _("Part %(part)s handed to %(name)s.")
                     % {"part": assignment.part, "name": assignment.user.get_username()})
    return redirect("team", assessment_id)


@login_required
@require_POST
def team_unassign(request, assessment_id: int, assignment_id: int):
    assignment = _assignment(request, assessment_id, assignment_id)
    try:
        team.unassign(assignment=assignment)
    except team.TeamError as refused:
        messages.error(request, _("Not removed: %(reason)s") % {"reason": refused})
        return redirect("team", assessment_id)
    messages.success(request, _("%(name)s no longer has part %(part)s; their answers stay on record.")
                     % {"part": assignment.part, "name": assignment.user.get_username()})
    return redirect("team", assessment_id)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consensus(request, assessment_id: int, part: str):
    """Per indicator of the part: each respondent's level and evidence, range and deviation, the
    part's spread; the form sets the consolidated answers (the real ones, by the official)."""
    from assessments.forms import StepForm

    assessment = _coordinated(request, assessment_id)
    framework = framework_with_questionnaire(assessment.framework_id)
    chosen = team.part_of(framework, part)
    if chosen is None:
        raise Http404
    dimension = next(d for d in framework.dimensions.all() if d.code == chosen.dimension_code)
    answers = answers_by_indicator(assessment)
    rules: dict[str, Any] = {"region_kind": assessment.region.kind, "na_requires_reason": framework.na_requires_reason,
                             "only": [i.pk for i in chosen.indicators]}
    editable, status = not assessment.is_submitted, 200
    conflicts: tuple[Conflict, ...] = ()
    if request.method == "POST":
        form = StepForm(request.POST, dimension=dimension, answers=answers, **rules)
        if not editable:
            messages.error(request, _("Not saved: this assessment was submitted and is read-only."))
            status = 409
        elif form.is_valid():
            result = save_step(assessment=assessment, user=request.user, indicators=form.indicators,
                               edits=form.edits())
            if result.submitted:
                messages.error(request, _("Not saved: this assessment was submitted and is read-only."))
                status = 409
            elif result.conflicts:
                conflicts, status = result.conflicts, 409
                messages.error(request, _("Not saved: someone else changed these answers while you were editing."))
            else:
                messages.success(request, _("Consolidated answers of %(part)s saved: %(count)d.")
                                 % {"part": chosen.code, "count": len(result.saved)})
                return redirect(reverse("consensus", args=[assessment.pk, chosen.code]))
        else:
            status = 400
    else:
        form = StepForm(dimension=dimension, answers=answers, **rules)
    rows, spread = team.consensus_of(assessment=assessment, part=chosen)
    return render(request, "assessments/consensus.html", {
        "assessment": assessment, "part": chosen, "rows": rows, "spread": spread, "form": form,
        "editable": editable, "conflicts": conflicts,
        "respondents": sorted({r.by for row in rows for r in row.responses}),
    }, status=status)
