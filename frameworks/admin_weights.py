"""The weights table of a framework version in the admin: every dimension, sub-dimension and
indicator weight with its effective share of the overall score and its reason, on one page.

Framework editors edit a draft's table (a formset, one form per row); a published version's table
is read-only. The page sends each row's revision back, so an edit made meanwhile by someone else is
refused and shown next to what was typed, never silently overwritten (frameworks.weights)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frameworks.models import POSITIVE, Aggregation, Framework
from frameworks.weights import (
    DIMENSION,
    EDITABLE,
    INDICATOR,
    SUBDIMENSION,
    WeightRow,
    WeightsRefused,
    save_weights,
    weight_rows,
)

# Who reaches the table: the framework editors' permissions on the rows it edits.
WEIGHT_PERMISSIONS = ("frameworks.view_framework", "frameworks.change_dimension",
                      "frameworks.change_subdimension", "frameworks.change_indicator")
LEVEL_LABELS = {DIMENSION: gettext_lazy("dimension"), SUBDIMENSION: gettext_lazy("sub-dimension"),
                INDICATOR: gettext_lazy("indicator")}


class WeightRowForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    revision = forms.CharField(widget=forms.HiddenInput)
    weight = forms.FloatField(label=gettext_lazy("weight"), validators=POSITIVE,
                              widget=forms.NumberInput(attrs={"step": "any", "class": "weight-input"}))
    rationale_zh = forms.CharField(label=gettext_lazy("reason for the weight (Chinese)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    rationale_en = forms.CharField(label=gettext_lazy("reason for the weight (English)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))


WeightFormSet = forms.formset_factory(WeightRowForm, extra=0)


class ReasonForm(forms.Form):
    change_reason = forms.CharField(label=gettext_lazy("Reason for this change"), required=False, max_length=100,
                                    help_text=gettext_lazy("Shown in the version history next to each change."))


def may_edit_weights(user) -> bool:
    return user.is_active and user.is_staff and user.has_perms(WEIGHT_PERMISSIONS)


def _initial(rows: list[WeightRow]) -> list[dict]:
    return [{"key": row.key, "revision": row.revision, **{name: getattr(row.row, name) for name in EDITABLE}}
            for row in rows]


def _table(formset, rows: list[WeightRow], conflicts: dict) -> list[dict]:
    """One entry per row: its model row, level, share, and its form (matched by key)."""
    by_key = {row.key: row for row in rows}
    forms_by_key = {str(form["key"].value()): form for form in formset.forms} if formset is not None else {}
    return [{"row": row.row, "label": row.label, "level": row.level, "level_label": LEVEL_LABELS[row.level],
             "share": f"{float(row.share) * 100:.2f}", "form": forms_by_key.get(key),
             "conflict": conflicts.get(key)}
            for key, row in by_key.items()]


def _anchor(key: str) -> str:
    return f"row-{key.replace(':', '-')}"


def _row_problems(formset, rows: list[WeightRow]) -> list[dict]:
    """Each invalid form's errors, named by its row (code and name) and field label."""
    labels = {row.key: row.label for row in rows}
    problems = [{"anchor": "", "text": error} for error in formset.non_form_errors()]
    for form in formset.forms:
        key = str(form["key"].value())
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            for error in errors:
                problems.append({"anchor": _anchor(key), "text": _("%(row)s, %(field)s: %(error)s") % {
                    "row": labels.get(key, key), "field": field.label if field else name, "error": error}})
    return problems


def weights_view(admin, request, object_id: int):
    """GET: the table (editable for a draft); POST: save the edited rows of a draft."""
    if not may_edit_weights(request.user):
        raise PermissionDenied
    framework = get_object_or_404(Framework, pk=object_id)
    rows = weight_rows(framework=framework)
    editable = not framework.is_published
    formset, reason_form, problems, conflicts = None, None, [], {}
    if request.method == "POST":
        if not editable:
            admin.message_user(request, _("%(framework)s is published: its weights cannot be changed.")
                               % {"framework": framework}, messages.ERROR)
            return redirect("admin:frameworks_framework_weights", framework.pk)
        formset, reason_form = WeightFormSet(request.POST, prefix="rows"), ReasonForm(request.POST)
        if formset.is_valid() and reason_form.is_valid():
            edits = {form.cleaned_data["key"]: form.cleaned_data for form in formset.forms}
            try:
                changed = save_weights(framework=framework, edits=edits, user=request.user,
                                       reason=reason_form.cleaned_data["change_reason"])
            except WeightsRefused as refusal:
                problems = [{"anchor": _anchor(c.key), "text": text}
                            for c, text in zip(refusal.conflicts, refusal.problems, strict=False)]
                problems += [{"anchor": "", "text": text} for text in refusal.problems[len(refusal.conflicts):]]
                conflicts = {conflict.key: conflict for conflict in refusal.conflicts}
                data = request.POST.copy()  # saving again keeps what was typed over the newer values
                for form in formset.forms:
                    conflict = conflicts.get(form.cleaned_data["key"])
                    if conflict is not None:
                        data[f"{form.prefix}-revision"] = conflict.revision
                formset = WeightFormSet(data, prefix="rows")
                formset.is_valid()
            else:
                if changed:
                    admin.message_user(request, _("Saved %(count)s changed rows: %(rows)s.") % {
                        "count": len(changed), "rows": ", ".join(changed)}, messages.SUCCESS)
                else:
                    admin.message_user(request, _("Nothing was changed."), messages.INFO)
                return redirect("admin:frameworks_framework_weights", framework.pk)
        else:
            problems = _row_problems(formset, rows) + [
                {"anchor": "", "text": f"{reason_form['change_reason'].label}: {error}"}
                for error in reason_form.errors.get("change_reason", [])]
    elif editable:
        formset, reason_form = WeightFormSet(initial=_initial(rows), prefix="rows"), ReasonForm()
    if problems:
        admin.message_user(request, _("Nothing was saved: fix the rows named below."), messages.ERROR)
    return TemplateResponse(request, "admin/frameworks/weights.html", {
        **admin.admin_site.each_context(request),
        "opts": Framework._meta,
        "title": _("Weights of %(framework)s") % {"framework": framework},
        "framework": framework,
        "editable": editable,
        "formset": formset,
        "reason_form": reason_form,
        "table": _table(formset, rows, conflicts),
        "problems": problems,
        "by_indicators": framework.aggregation == Aggregation.INDICATORS,
    })
