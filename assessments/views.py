"""Pages for officials and consultants. Thin: scope, fetch, call the domain code, render."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import access, history, team
from assessments.answering import Conflict, evidence_digest, save_step
from assessments.benchmarks import MIN_PEERS
from assessments.charts import radar_figure
from assessments.evidence import questionnaire_evidence, results_evidence
from assessments.forms import StepForm, field_key
from assessments.fragments import cached_fragments, result_state
from assessments.inbox import sent_back
from assessments.models import Assessment, Comment, PlanItem
from assessments.outline import indicator_anchor, questionnaire_outline, unanswered_codes
from assessments.plans import PlanItemForm, move_rows, plan_indicators, plan_progress
from assessments.published import questionnaire_of
from assessments.queries import answers_by_indicator, batch_scores, dashboard_regions
from assessments.results import advice_of, assessment_result, scored_assessment
from assessments.review import review_state, verified_ids
from assessments.scoring import NA_SHARE_FLAG, na_shares
from assessments.templatetags.sodpa import TIER_LABELS
from assessments.transitions import AlreadySubmitted, Incomplete, NotSubmitted, reopen_assessment, submit_assessment
from assessments.versioning import newer_version
from frameworks.models import Framework


def _visible_assessment(request, assessment_id: int) -> Assessment:
    return access.visible_assessment_or_404(request.user, assessment_id)


@login_required
@require_safe
def dashboard(request):
    regions = dashboard_regions(access.regions_visible_to(request.user))
    assessments = [a for region in regions for a in region.assessments.all()]
    scores = batch_scores(assessments)
    answerable = access.answerable_region_ids(request.user, regions)
    returned, verified = sent_back(assessments=assessments), verified_ids(assessments=assessments)
    rows = [
        {
            "region": region,
            "can_create": region.pk in answerable,
            "assessments": [{"assessment": a, **scores[a.pk], "sent_back": returned.get(a.pk),
                             "verified": a.pk in verified} for a in region.assessments.all()],
        }
        for region in regions
    ]
    return render(request, "assessments/dashboard.html",
                  {"rows": rows, "assigned": team.my_assignments(user=request.user)})


@login_required
@require_POST
def create_assessment(request, region_id: int):
    region = get_object_or_404(access.regions_visible_to(request.user), pk=region_id)
    if not access.can_create_assessment(request.user, region):
        raise PermissionDenied
    framework = Framework.objects.latest_published() or Framework.objects.published().first()
    title = request.POST.get("title", "").strip()[:200] or _("Self-assessment %(date)s") % {
        "date": timezone.localdate().isoformat()}
    assessment = Assessment.objects.create(region=region, framework=framework, title=title, created_by=request.user)
    messages.success(request, _("New assessment created. Answers are saved step by step."))
    return redirect("questionnaire", assessment.pk)


def _progress(framework, answers, only: frozenset[int] | None = None) -> tuple[list[dict], int, int]:
    steps, done_all, total_all = [], 0, 0
    for dimension in framework.dimensions.all():
        indicators = [i for s in dimension.subdimensions.all() for i in s.indicators.all()
                      if only is None or i.pk in only]
        if only is not None and not indicators:
            continue  # not one of the contributor's parts: not shown
        done = sum(1 for i in indicators if i.pk in answers and answers[i.pk].value is not None)
        steps.append({"dimension": dimension, "done": done, "total": len(indicators)})
        done_all += done
        total_all += len(indicators)
    return steps, done_all, total_all


def _conflict_data(form: StepForm, answers, edits) -> dict:
    """The user's input kept, with the hidden 'seen' values brought up to date, so that saving
    again after reading the conflict message applies the user's choice knowingly."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict: the form is always bound to request.POST
    for indicator in form.indicators:
        key, answer, edit = field_key(indicator), answers.get(indicator.pk), edits.get(indicator.code)
        current = "" if answer is None or answer.value is None else str(answer.value)
        evidence = answer.evidence if answer else ""
        data[f"{key}-rev"] = answer.revision if answer else 0
        data[f"{key}-seen"] = current
        data[f"{key}-seenev"] = evidence_digest(evidence)
        if edit is None or not edit.changed:
            data[f"{key}-level"] = current
            data[f"{key}-evidence"] = evidence
    return data


def _with_cleared(data, dimension, code: str):
    """The posted data with one indicator set back to unanswered (its "clear" button was pressed),
    and that indicator's code (None when the step has no such indicator)."""
    indicator = next((i for s in dimension.subdimensions.all() for i in s.indicators.all() if i.code == code), None)
    if indicator is None:
        return data, None
    data = data.copy()
    data[f"{field_key(indicator)}-level"] = ""
    data[f"{field_key(indicator)}-evidence"] = ""
    return data, indicator.code


def _first_error_anchor(form: StepForm) -> tuple[str, int]:
    """The anchor of the first indicator with an error (the form itself for a page-wide error), and
    how many indicators have one."""
    wrong = [i for i in form.indicators
             if any(name.startswith(field_key(i) + "-") for name in form.errors)]
    return (indicator_anchor(wrong[0]) if wrong else "questionnaire-form"), len(wrong)


def _refusal(text: str, anchor: str, link: str):
    return format_html('{} <a class="alert-link" href="#{}">{}</a>', text, anchor, link)


def _saved_messages(request, result, dimension, cleared: str | None) -> None:
    saved = [code for code in result.saved if code != cleared]
    if cleared and cleared in result.saved:
        messages.success(request, _("Cleared the answer to %(code)s: it is unanswered again.") % {"code": cleared})
    if saved:
        messages.success(request, ngettext(
            "Saved %(count)d answer of %(dimension)s.", "Saved %(count)d answers of %(dimension)s.",
            len(saved)) % {"count": len(saved), "dimension": dimension.name})
    elif not result.saved and not result.conflicts:
        messages.info(request, _("Nothing was changed in %(dimension)s, so nothing needed saving.")
                      % {"dimension": dimension.name})


@dataclass
class _Answering:
    """Who answers what on this page: everyone who may answer sees every step; a contributor (and
    nothing more) sees and answers only their parts (assessments/team.py)."""
    scope: Any  # team.ContributorScope | None
    dimensions: list
    editable: bool
    answers: dict
    only: frozenset[int] | None


def _answering(request, assessment: Assessment, framework) -> _Answering:
    scope = None
    if access.roles_in(request.user, assessment.region) == {access.Role.CONTRIBUTOR}:
        scope = team.contributor_scope(assessment=assessment, user=request.user, framework=framework)
    dimensions = [d for d in framework.dimensions.all() if scope is None or d.code in scope.dimension_codes]
    if not dimensions:
        raise Http404
    if scope is None:
        return _Answering(None, dimensions, access.can_edit(request.user, assessment),
                          answers_by_indicator(assessment), None)
    return _Answering(scope, dimensions, access.can_contribute(request.user, assessment),
                      team.answers_for(assessment=assessment, user=request.user, scope=scope),
                      scope.indicator_ids)


def _answers_now(request, assessment: Assessment, who: _Answering) -> dict:
    if who.scope is None:
        return answers_by_indicator(assessment)
    return team.answers_for(assessment=assessment, user=request.user, scope=who.scope)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request, assessment_id: int):
    assessment = access.questionnaire_assessment_or_404(request.user, assessment_id)
    framework = questionnaire_of(framework=assessment.framework)  # a published version: kept per worker
    who = _answering(request, assessment, framework)
    dimensions, editable, answers, scope = who.dimensions, who.editable, who.answers, who.scope
    outline = questionnaire_outline(framework=framework, answers=answers, only=who.only)
    # Re-entry without a chosen step opens the first incomplete one; a save always names its step.
    step_code = request.GET.get("step") or (
        dimensions[0].code if request.method == "POST" else outline.first_incomplete_step())
    dimension = next((d for d in dimensions if d.code == step_code), None)
    if dimension is None:
        other = next((d for d in framework.dimensions.all() if d.code == step_code), None)
        if other is None or request.method != "POST":
            if other is not None:
                messages.warning(request, _("Step %(step)s is not one of your parts.") % {"step": other.code})
                return redirect(f"{reverse('questionnaire', args=[assessment.pk])}?step={dimensions[0].code}")
            raise Http404
        dimension = other  # a POST to a step outside one's parts: refused below, with the reason
    only_unanswered = request.GET.get("only") == "unanswered"
    filter_query = "&only=unanswered" if only_unanswered else ""
    na_rules: dict[str, Any] = {"region_kind": assessment.region.kind,
                                "na_requires_reason": framework.na_requires_reason, "clearable": editable,
                                "only": who.only}
    status = 200
    conflicts: tuple[Conflict, ...] = ()
    if request.method == "POST":
        if scope is None and not access.may_answer(request.user, assessment.region):
            raise PermissionDenied
        data, cleared = _with_cleared(request.POST, dimension, request.POST.get("clear", ""))
        form = StepForm(data, dimension=dimension, answers=answers, **na_rules)
        result = None
        all_indicators = [i for d in framework.dimensions.all() for sub in d.subdimensions.all()
                          for i in sub.indicators.all()]
        refused = [] if scope is None else team.refused_codes(indicators=all_indicators, data=request.POST,
                                                             scope=scope)
        if refused:
            messages.error(request, _("Not saved: %(codes)s are not in your parts (%(parts)s); nothing was written. "
                                      "Your input for your parts is still shown below.")
                           % {"codes": ", ".join(refused), "parts": ", ".join(scope.parts)})
            form.is_valid()
            status = 403
        elif editable and form.is_valid():
            edits = form.edits()
            if scope is None:
                result = save_step(assessment=assessment, user=request.user, indicators=form.indicators, edits=edits)
            else:
                result = team.save_contributor_step(assessment=assessment, user=request.user,
                                                    indicators=form.indicators, edits=edits, scope=scope)
        if refused:
            editable = editable and dimension in dimensions  # one's own parts of the step, as sent, to save again
        elif not editable or (result is not None and result.submitted):
            # Submitted before (or while) this save: nothing written; the input stays on the page to copy.
            messages.error(request, _("Not saved: this assessment was submitted and is read-only. "
                                      "Your input is still shown below."))
            assessment.refresh_from_db(fields=["status", "submitted_at", "updated_at"])
            editable, status = False, 409
        elif result is not None:
            _saved_messages(request, result, dimension, cleared)
            if not result.conflicts:
                # `saved` tells the page's script that this step's kept copy can go (questionnaire.js).
                target, anchor = dimension.code, ""
                if "next" in request.POST:
                    later = dimensions[dimensions.index(dimension) + 1:] if dimension in dimensions else []
                    if not later and scope is None:
                        return redirect(f"{reverse('results', args=[assessment.pk])}?saved={dimension.code}")
                    target = later[0].code if later else target
                elif cleared:
                    anchor = "#" + indicator_anchor(next(i for i in form.indicators if i.code == cleared))
                return redirect(f"{reverse('questionnaire', args=[assessment.pk])}?step={target}"
                                f"{filter_query}&saved={dimension.code}{anchor}")
            conflicts = result.conflicts
            messages.error(request, _refusal(ngettext(
                "%(count)d answer was not saved: it changed while you were editing.",
                "%(count)d answers were not saved: they changed while you were editing.",
                len(conflicts)) % {"count": len(conflicts)}, "conflicts", _("See what changed")))
            answers = _answers_now(request, assessment, who)
            outline = questionnaire_outline(framework=framework, answers=answers, only=who.only)
            form = StepForm(_conflict_data(form, answers, edits), dimension=dimension, answers=answers,
                            **na_rules)
            form.is_valid()
            status = 409
        else:
            anchor, count = _first_error_anchor(form)
            messages.error(request, _refusal(ngettext(
                "Not saved: %(count)d indicator needs correcting.", "Not saved: %(count)d indicators need correcting.",
                count) % {"count": count} if count else _("Not saved: the form could not be read."),
                anchor, _("Go to the first problem")))
            status = 400
    else:
        hidden: frozenset[str] = frozenset()
        if only_unanswered:
            hidden = frozenset(i.code for s in dimension.subdimensions.all() for i in s.indicators.all()) \
                - unanswered_codes(framework_dimension=dimension, answers=answers)
        form = StepForm(dimension=dimension, answers=answers, hidden_codes=hidden, **na_rules)
    steps, done, total = _progress(framework, answers, who.only)
    index = dimensions.index(dimension) if dimension in dimensions else 0
    following = dimensions[(index + 1) % len(dimensions)].code
    return render(request, "assessments/questionnaire.html", {
        "assessment": assessment, "framework": framework, "dimension": dimension, "form": form,
        "steps": steps, "done": done, "total": total, "editable": editable, "conflicts": conflicts,
        "previous_step": dimensions[index - 1] if index > 0 else None,
        "next_step": dimensions[index + 1] if index + 1 < len(dimensions) else None,
        "can_submit": access.can_submit(request.user, assessment),
        "can_reopen": access.can_reopen(request.user, assessment),
        "can_manage_team": access.can_manage_team(request.user, assessment),
        "contributor_parts": scope.parts if scope is not None else None,
        "new_edition": newer_version(assessment=assessment) if editable and scope is None else None,
        "outline": outline, "current_outline": outline.step(dimension.code),
        "next_unanswered": outline.next_unanswered(from_step=dimension.code),
        "next_unanswered_after": outline.next_unanswered(from_step=following),
        "only_unanswered": only_unanswered and request.method != "POST", "filter_query": filter_query,
        "sent_back": sent_back(assessments=[assessment]).get(assessment.pk),
        "evidence": questionnaire_evidence(
            assessment=assessment, user=request.user,
            independent_ids=scope.independent_ids if scope is not None else frozenset()),
    }, status=status)


@login_required
@require_POST
def submit(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    if not access.may_answer(request.user, assessment.region):
        raise PermissionDenied
    try:
        submit_assessment(assessment=assessment, user=request.user)
    except AlreadySubmitted:
        messages.error(request, _("This assessment is already submitted."))
        return redirect("results", assessment.pk)
    except Incomplete as refused:
        messages.error(request, _("Only a complete assessment can be submitted: %(left)s of %(total)s "
                                  "indicators are still unanswered.") % {"left": refused.left, "total": refused.total})
        return redirect("questionnaire", assessment.pk)
    messages.success(request, _("Assessment submitted. It is now read-only."))
    return redirect("results", assessment.pk)


@login_required
@require_POST
def reopen(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    if not access.may_review(request.user, assessment.region):
        raise PermissionDenied
    try:
        reopen_assessment(assessment=assessment, user=request.user, note=request.POST.get("note", ""))
    except NotSubmitted:
        messages.error(request, _("This assessment is not submitted; there is nothing to reopen."))
        return redirect("questionnaire", assessment.pk)
    messages.success(request, _("Assessment reopened: the region's officials can edit it again."))
    return redirect("questionnaire", assessment.pk)


@login_required
@require_POST
def comment(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    if not access.can_comment(request.user, assessment):
        raise PermissionDenied
    text = request.POST.get("text", "").strip()
    if not text:
        messages.error(request, _("Write a comment first."))
    else:
        Comment.objects.create(assessment=assessment, author=request.user, text=text[:5000])
        messages.success(request, _("Comment added."))
    return redirect(reverse("results", args=[assessment.pk]) + "#comments")


def _results_context(request, assessment: Assessment, *, plan_form: PlanItemForm | None = None,
                     edit_form: tuple[int, PlanItemForm] | None = None) -> dict:
    """The results page: scores, radar (with the previous submission and the peer median), peers,
    recommendations, the improvement plan made from this assessment and the previous plan's progress."""
    result = assessment_result(assessment=assessment)
    framework, card, levels, advice, peers = result.framework, result.card, result.values, result.advice, result.peers
    previous = result.previous.assessment if result.previous else None
    previous_card = result.previous.card if result.previous else None
    names = result.dimension_names
    peer_name = _("Peer median (%(kind)s)") % {"kind": assessment.region.get_kind_display()}
    figure = radar_figure(
        current=(card, assessment.title),
        previous=(previous_card, previous.title) if previous and previous_card else None,
        dimension_names=names,
        peer=(peers.medians, peer_name) if peers.enough_peers else None,
    )
    may_plan = access.may_answer(request.user, assessment.region)
    indicators = plan_indicators(framework, advice)
    items = list(assessment.plan_items.select_related("indicator"))
    plan = []
    for item in items:
        form = None
        if may_plan:
            form = edit_form[1] if edit_form and edit_form[0] == item.pk else PlanItemForm(
                indicators=indicators, current=levels, instance=item, prefix=f"plan-{item.pk}")
        plan.append({"item": item, "current": levels.get(item.indicator.code) if item.indicator else None,
                     "form": form})
    previous_plan = None
    if previous is not None:
        previous_plan = plan_progress(previous.plan_items.select_related("indicator"), levels)
    context = {
        "assessment": assessment, "framework": framework, "card": card, "previous": previous,
        "provisional": not card.is_complete,  # an incomplete draft: no tier shown anywhere on the page
        "previous_card": previous_card, "figure": figure, "advice": advice, "peers": peers,
        "rows": _score_rows(framework, card, na_shares(spec=result.spec, answers=levels)),
        "comments": assessment.comments.select_related("author"),
        "history": assessment.status_changes.select_related("changed_by"),
        "review": review_state(assessment=assessment),
        "can_reopen": access.can_reopen(request.user, assessment),
        "can_comment": access.can_comment(request.user, assessment),
        "can_edit": access.can_edit(request.user, assessment),
        "may_plan": may_plan, "plan": plan, "previous_plan": previous_plan,
        "plan_form": plan_form or (PlanItemForm(indicators=indicators, current=levels, prefix="plan")
                                   if may_plan else None),
        "plan_has_indicators": bool(indicators), "min_peers": MIN_PEERS,
        "evidence_rows": results_evidence(assessment=assessment),
        "raise_rows": move_rows(framework, advice.raise_first),
        "next_tier_rows": move_rows(framework, advice.next_tier.moves) if advice.next_tier else [],
        # a one-click plan item: the official as owner, a year from today (both editable afterwards)
        "plan_defaults": {"owner": request.user.get_full_name() or request.user.get_username(),
                          "target_date": (timezone.localdate() + timedelta(days=365)).isoformat()}
        if may_plan else None,
    }
    # the parts that show the result and nothing of the viewer, once per state and language
    context["fragments"] = cached_fragments(state=result_state(result=result, language=get_language()),
                                            context=context)
    return context


@never_cache
@login_required
@require_safe
def results(request, assessment_id: int):
    assessment = _visible_assessment(request, assessment_id)
    return render(request, "assessments/results.html", _results_context(request, assessment))


def _plan_form_inputs(assessment: Assessment) -> tuple[list, dict]:
    """The indicators a plan item may target and the assessment's current levels (by code)."""
    scored = scored_assessment(assessment=assessment)
    return plan_indicators(scored.framework, advice_of(scored=scored)), dict(scored.values)


def _planning_assessment(request, assessment_id: int) -> Assessment:
    assessment = _visible_assessment(request, assessment_id)
    if not access.may_answer(request.user, assessment.region):
        raise PermissionDenied
    return assessment


@login_required
@require_POST
def plan_add(request, assessment_id: int):
    assessment = _planning_assessment(request, assessment_id)
    indicators, levels = _plan_form_inputs(assessment)
    form = PlanItemForm(request.POST, indicators=indicators, current=levels, prefix="plan")
    if not form.is_valid():
        messages.error(request, _("The plan item was not saved: please correct the marked fields."))
        return render(request, "assessments/results.html",
                      _results_context(request, assessment, plan_form=form), status=400)
    form.save(assessment=assessment, user=request.user)
    messages.success(request, _("Plan item added."))
    return redirect(reverse("results", args=[assessment.pk]) + "#plan")


@login_required
@require_POST
def plan_edit(request, assessment_id: int, item_id: int):
    assessment = _planning_assessment(request, assessment_id)
    item = get_object_or_404(PlanItem.objects.select_related("indicator"), pk=item_id, assessment=assessment)
    indicators, levels = _plan_form_inputs(assessment)
    form = PlanItemForm(request.POST, indicators=indicators, current=levels, instance=item,
                        prefix=f"plan-{item.pk}")
    if not form.is_valid():
        messages.error(request, _("The plan item was not saved: please correct the marked fields."))
        return render(request, "assessments/results.html",
                      _results_context(request, assessment, edit_form=(item.pk, form)), status=400)
    form.save(assessment=assessment, user=request.user)
    messages.success(request, _("Plan item saved."))
    return redirect(reverse("results", args=[assessment.pk]) + "#plan")


@login_required
@require_POST
def plan_delete(request, assessment_id: int, item_id: int):
    assessment = _planning_assessment(request, assessment_id)
    item = get_object_or_404(PlanItem, pk=item_id, assessment=assessment)
    item.delete()
    messages.success(request, _("Plan item deleted."))
    return redirect(reverse("results", args=[assessment.pk]) + "#plan")


@never_cache
@login_required
@require_safe
def region_history(request, region_id: int):
    region = get_object_or_404(access.regions_visible_to(request.user), pk=region_id)
    context = history.region_history(region, tier_labels={tier: str(label) for tier, label in TIER_LABELS.items()})
    if context["diff"] is not None:
        context["diff_groups"] = [{"id": "rose", "title": _("What rose"), "rows": context["diff"].rose},
                                  {"id": "fell", "title": _("What fell"), "rows": context["diff"].fell}]
    return render(request, "assessments/region_history.html", context)


def _score_rows(framework, card, shares: dict[str, float]) -> list[dict]:
    sub_scores = card.subdimension_scores()
    rows = []
    for dimension in framework.dimensions.all():
        dim_score = card.dimension(dimension.code)
        share = shares.get(dimension.code, 0.0)
        rows.append({"dimension": dimension, "score": dim_score.score, "tier": dim_score.tier,
                     "na_share": share, "na_flag": share > NA_SHARE_FLAG, "subdimensions": [
            {"subdimension": sub, "score": sub_scores[sub.code], "tier": card.subdimension_tier(sub.code)}
            for sub in dimension.subdimensions.all()
        ]})
    return rows
