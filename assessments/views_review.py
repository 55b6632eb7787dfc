"""The review page (answer by answer: level, evidence, accept or query, the thread) and the inbox.
Thin: scope, call assessments/review.py or assessments/inbox.py, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from assessments import access, inbox, review
from assessments.queries import answers_by_indicator
from assessments.results import scored_assessment
from assessments.scoring import NOT_APPLICABLE


def _review_context(request, assessment, *, kept: dict | None = None) -> dict:
    scored = scored_assessment(assessment=assessment)
    state = review.review_state(assessment=assessment, with_messages=True)
    answers = answers_by_indicator(assessment)
    is_reviewer = access.can_review(request.user, assessment)
    can_respond = access.can_respond_to_review(request.user, assessment)
    sections: list[dict] = []
    for dimension in scored.framework.dimensions.all():
        rows = []
        for sub in dimension.subdimensions.all():
            for indicator in sub.indicators.all():
                answer = answers.get(indicator.pk)
                row = state.answers.get(indicator.code)
                descriptor = None
                if answer and answer.level is not None:
                    descriptor = next((lv.text for lv in indicator.levels.all() if lv.level == answer.level), "")
                rows.append({"indicator": indicator, "answer": answer, "descriptor": descriptor, "review": row,
                             "state": state.state_of(indicator.code),
                             "messages": list(row.messages.all()) if row else [],
                             "na_allowed": indicator.allows_na_for(assessment.region.kind),
                             "kept": (kept or {}).get(indicator.code, {})})
        sections.append({"dimension": dimension, "rows": rows})
    answered = [r for s in sections for r in s["rows"] if r["answer"] is not None and r["answer"].value is not None]
    accepted = sum(1 for r in answered if r["state"] == "accepted")
    queried = sum(1 for r in answered if r["state"] == "queried")
    bias = review.bias_of(scored=scored, state=state) if is_reviewer else None
    names = scored.dimension_names
    return {
        "assessment": assessment, "framework": scored.framework, "state": state, "sections": sections,
        "is_reviewer": is_reviewer, "can_respond": can_respond, "accepted": accepted, "queried": queried,
        "open": len(answered) - accepted, "answered": len(answered), "levels": range(5),
        "open_count": len(answered) - accepted - queried,  # neither accepted nor queried yet
        "bias_rows": [{"bias": b, "name": names[b.code]} for b in bias.dimensions] if bias else None,
        "bias": bias,
    }


@never_cache
@login_required
@require_safe
def review_page(request, assessment_id: int):
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    return render(request, "assessments/review.html", _review_context(request, assessment))


def _back(assessment, code: str = "") -> str:
    """The review page at the answer (review.html's ids: `answer-` and the slugified code)."""
    return reverse("review", args=[assessment.pk]) + (f"#answer-{slugify(code)}" if code else "")


def _refused(request, assessment, error: review.ReviewRefused, *, kept: dict | None = None):
    if isinstance(error, review.NotAllowed):
        raise PermissionDenied
    messages.error(request, str(error))
    return render(request, "assessments/review.html", _review_context(request, assessment, kept=kept), status=400)


@login_required
@require_POST
def review_start(request, assessment_id: int):
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    try:
        review.start_review(assessment=assessment, user=request.user)
    except review.ReviewRefused as error:
        return _refused(request, assessment, error)
    messages.success(request, _("Review started: accept or query each answer."))
    return redirect(_back(assessment))


@login_required
@require_POST
def review_mark(request, assessment_id: int):
    """The reviewer accepts an answer, or queries it with a comment."""
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    code, decision = request.POST.get("indicator", ""), request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    try:
        if decision == "accept":
            review.accept_answer(assessment=assessment, user=request.user, code=code)
            messages.success(request, _("%(code)s accepted.") % {"code": code})
        elif decision == "accept_open":
            accepted = review.accept_open_answers(assessment=assessment, user=request.user)
            messages.success(request, ngettext(
                "%(count)d answer accepted; queried answers stay open.",
                "%(count)d answers accepted; queried answers stay open.", len(accepted)) % {"count": len(accepted)})
            return redirect("review", assessment.pk)
        elif decision == "query":
            review.query_answer(assessment=assessment, user=request.user, code=code, comment=comment)
            messages.success(request, _("%(code)s queried: the region has been told.") % {"code": code})
        else:
            raise review.ReviewRefused(_("Choose to accept or to query the answer."))
    except review.ReviewRefused as error:
        return _refused(request, assessment, error, kept={code: {"comment": comment}})
    return redirect(_back(assessment, code))


def _posted_value(token: str):
    if token == NOT_APPLICABLE:
        return NOT_APPLICABLE
    return int(token) if token in {str(level) for level in range(5)} else None


@login_required
@require_POST
def review_respond(request, assessment_id: int):
    """The region answers a query: a reply, or a change of the answer with its reason."""
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    code, text = request.POST.get("indicator", ""), request.POST.get("text", "")
    level = request.POST.get("level", "")
    try:
        if request.POST.get("change"):
            review.change_answer(assessment=assessment, user=request.user, code=code, value=_posted_value(level),
                                 reason=text)
            messages.success(request, _("%(code)s changed; the reviewer has been told.") % {"code": code})
        else:
            review.reply_to_query(assessment=assessment, user=request.user, code=code, text=text)
            messages.success(request, _("Reply sent to the reviewer."))
    except review.ReviewRefused as error:
        return _refused(request, assessment, error, kept={code: {"text": text, "level": level}})
    return redirect(_back(assessment, code))


@login_required
@require_POST
def review_verify(request, assessment_id: int):
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    try:
        review.verify(assessment=assessment, user=request.user)
    except review.ReviewRefused as error:
        return _refused(request, assessment, error)
    messages.success(request, _("Assessment verified."))
    return redirect("results", assessment.pk)


@never_cache
@login_required
@require_safe
def inbox_page(request):
    notifications = inbox.inbox_of(user=request.user)
    rows = [{"notification": n, "text": inbox.notification_text(kind=n.kind, params=n.params)} for n in notifications]
    return render(request, "assessments/inbox.html", {"rows": rows})


@login_required
@require_POST
def inbox_read(request):
    """Mark one notification (?id=) or all of the user's as read; another user's id is a 404."""
    raw = request.POST.get("id", "")
    if raw:
        if not raw.isdigit() or not request.user.notifications.filter(pk=int(raw)).exists():
            raise Http404
        inbox.mark_read(user=request.user, notification_id=int(raw))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
    else:
        inbox.mark_read(user=request.user)
        messages.success(request, _("All marked as read."))
    return redirect("inbox")
