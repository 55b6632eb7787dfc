"""The questionnaire in the Django admin.

A published framework version is read-only here, with everything that belongs to it: the admin
edits a draft ("Create a new draft version") and publishes it after a preview of what changes.
Every row keeps its history (django-simple-history): who changed what, when, from what to what.
The rules themselves live in `frameworks.versions` and the models' `clean()` methods.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from frameworks.admin_weights import may_edit_weights, weights_view
from frameworks.history import LocalisedHistoryHelper, version_changes
from frameworks.models import (
    Case,
    Dimension,
    EcosystemAdvice,
    FeatureScene,
    Framework,
    GlossaryTerm,
    Indicator,
    LevelDescriptor,
    ScenePrerequisite,
    SceneType,
    SubDimension,
    Tier,
    TierAdvice,
)
from frameworks.versions import (
    FrameworkInvalid,
    VersionError,
    framework_of,
    is_editable,
    new_draft_version,
    publication_preview,
    publish,
    validation_problems,
)

# How each model reaches its framework version, for limiting choices to one version.
FRAMEWORK_LOOKUP = {
    Framework: "pk",
    Dimension: "framework",
    SubDimension: "dimension__framework",
    Indicator: "subdimension__dimension__framework",
}


def rows_of(model, *, framework: Framework | None):
    """`model`'s rows in `framework`, or in any draft version when `framework` is None."""
    lookup = FRAMEWORK_LOOKUP[model]
    if framework is not None:
        return model.objects.filter(**{lookup: framework.pk})
    status = "status" if model is Framework else f"{lookup}__status"
    return model.objects.filter(**{status: Framework.Status.DRAFT})


class ReadOnlyWhenPublished:
    """Change, add and delete are refused for rows of a published version (for an inline, `obj`
    is the parent row)."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_editable(row=obj)  # type: ignore[misc]  # a mixin for ModelAdmin and inlines

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_editable(row=obj)  # type: ignore[misc]  # a mixin for ModelAdmin and inlines


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # its label is the column header only, as for the other inputs below
            form.fields["DELETE"].widget.attrs.setdefault("aria-label", str(capfirst(_("delete"))))


class VersionedInline(ReadOnlyWhenPublished):
    extra = 0
    show_change_link = True
    formset: Any = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]  # a mixin
        if field is not None and isinstance(self, admin.TabularInline):
            # A tabular inline labels its inputs by the column header only: name each for screen
            # readers too (WCAG 1.3.1, axe "label").
            widget = getattr(field.widget, "widget", field.widget)  # inside a related-object wrapper
            widget.attrs.setdefault("aria-label", str(capfirst(db_field.verbose_name)))
        return field

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and is_editable(row=obj)  # type: ignore[misc]  # a mixin for inlines


class VersionHistoryAdmin(ReadOnlyWhenPublished, SimpleHistoryAdmin):
    """Read-only when published, with its history; reverting from the history page is a change
    like any other."""

    def get_historical_record_context_helper(self, request, historical_record):
        return LocalisedHistoryHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            current = self.get_object(request, object_id)
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class VersionedAdmin(VersionHistoryAdmin):
    """A model admin for rows of a version: links (the owner, other foreign keys, many-to-many) only
    offer rows of a draft version when adding, and of the row's own version afterwards, so a row
    never moves to another version."""

    def get_form(self, request, obj=None, **kwargs):
        request._versioned_framework = framework_of(row=obj)
        return super().get_form(request, obj, **kwargs)

    def _limited(self, db_field, request, kwargs):
        if db_field.related_model in FRAMEWORK_LOOKUP:
            kwargs["queryset"] = rows_of(db_field.related_model,
                                         framework=getattr(request, "_versioned_framework", None))
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._limited(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._limited(db_field, request, kwargs))


class SameVersionLinksForm(forms.ModelForm):
    """Many-to-many links (`links`) must point at rows of the row's own framework version."""

    links = ""

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        framework = cleaned.get("framework") or (self.instance.framework if self.instance.framework_id else None)
        linked = cleaned.get(self.links)
        if framework is not None and linked:
            strangers = [str(row.code) for row in linked if framework_of(row=row) != framework]
            if strangers:
                self.add_error(self.links, _("%(codes)s do not belong to %(framework)s.") % {
                    "codes": ", ".join(strangers), "framework": framework})
        return cleaned


# --- framework versions --------------------------------------------------------------------------


class DimensionInline(VersionedInline, admin.TabularInline):
    model = Dimension
    fields = ["code", "order", "weight", "name_zh", "name_en", "guide_section"]


@admin.register(Framework)
class FrameworkAdmin(VersionHistoryAdmin):
    list_display = ["code", "version", "status", "tier_intermediate", "tier_advanced", "published_at"]
    list_filter = ["status", "code"]
    fields = ["code", "version", "status", "aggregation", "name_zh", "name_en", "tier_intermediate",
              "tier_advanced", "published_at"]
    inlines = [DimensionInline]
    actions = ["create_draft_version", "publish_version"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["version", "status", "published_at"]
        return [*fixed, "code"] if obj is not None else fixed

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/publish/", view(self.publish_view), name="frameworks_framework_publish"),
            path("<int:object_id>/new-draft/", view(self.new_draft_view), name="frameworks_framework_new_draft"),
            path("<int:object_id>/weights/", view(self.weights_view), name="frameworks_framework_weights"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_edit_weights"] = may_edit_weights(request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _check_may_maintain(self, request) -> None:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def _create_draft(self, request, framework: Framework) -> Framework:
        draft = new_draft_version(framework=framework, user=request.user)
        self.message_user(request, _("Created %(draft)s (draft) from %(source)s.") % {
            "draft": draft, "source": framework}, messages.SUCCESS)
        return draft

    @admin.action(description=gettext_lazy("Create a new draft version"), permissions=["add"])
    def create_draft_version(self, request, queryset):
        for framework in queryset.order_by("code", "version"):
            self._create_draft(request, framework)

    @admin.action(description=gettext_lazy("Publish…"), permissions=["change"])
    def publish_version(self, request, queryset):
        drafts = list(queryset)
        if len(drafts) != 1:
            self.message_user(request, _("Select exactly one draft version to publish."), messages.WARNING)
            return None
        return redirect("admin:frameworks_framework_publish", drafts[0].pk)

    def new_draft_view(self, request, object_id: int):
        self._check_may_maintain(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        draft = self._create_draft(request, get_object_or_404(Framework, pk=object_id))
        return redirect("admin:frameworks_framework_change", draft.pk)

    def history_view(self, request, object_id, extra_context=None):
        """The version's history: every change to it and to its rows, field by field."""
        framework = get_object_or_404(Framework, pk=object_id)
        if not self.has_view_or_change_permission(request, framework):
            raise PermissionDenied
        changes, created = version_changes(framework=framework, include_created=request.GET.get("all") == "1")
        page = Paginator(changes, 50).get_page(request.GET.get("p"))
        return TemplateResponse(request, "admin/frameworks/version_history.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "object": framework, "framework": framework,
            "title": _("History of %(framework)s") % {"framework": framework},
            "page_obj": page, "created": created, "show_all": request.GET.get("all") == "1",
        })

    def weights_view(self, request, object_id: int):
        """Every weight of the version in one table (frameworks.admin_weights)."""
        return weights_view(self, request, object_id)

    def publish_view(self, request, object_id: int):
        """The confirmation page: each region's latest assessment now and under the draft."""
        self._check_may_maintain(request)
        framework = get_object_or_404(Framework, pk=object_id)
        if framework.is_published:
            self.message_user(request, _("%(framework)s is already published.") % {"framework": framework},
                              messages.WARNING)
            return redirect("admin:frameworks_framework_changelist")
        problems = validation_problems(framework=framework)
        if request.method == "POST" and not problems:
            try:
                publish(framework=framework, user=request.user)
            except FrameworkInvalid as error:
                problems = error.problems
            except VersionError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:frameworks_framework_changelist")
            else:
                self.message_user(request, _(
                    "Published %(framework)s. New assessments use it; submitted assessments keep their version."
                ) % {"framework": framework}, messages.SUCCESS)
                return redirect("admin:frameworks_framework_changelist")
        if problems:
            self.message_user(request, _("%(framework)s cannot be published until these problems are fixed:")
                              % {"framework": framework}, messages.ERROR)
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            return redirect("admin:frameworks_framework_change", framework.pk)
        return TemplateResponse(request, "admin/frameworks/publish_preview.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Publish %(framework)s") % {"framework": framework},
            "framework": framework,
            # Every region's scores and names: tenant data, so for superusers only; editing the
            # questionnaire grants no access to any region (assessments/access.py). An editor still
            # learns how many regions would change tier, which names none.
            **(preview_table(framework) if request.user.is_superuser else _preview_counts(framework)),
        })


def _preview_counts(draft: Framework) -> dict:
    table = preview_table(draft)
    return {"columns": [], "rows": [], "preview_hidden": True, "regions": table["regions"],
            "tier_change_count": len(table["tier_changes"])}


def _tier_label(tier: str | None) -> str:
    return str(Tier(tier).label) if tier else "—"


def _score_label(score: float | None) -> str:
    return "—" if score is None else f"{score:.2f}"


def preview_table(draft: Framework) -> dict:
    """The preview as table rows: per region, old and new score and tier of the overall and of each
    dimension (the draft's dimensions, then any its regions' versions have and it has not); and the
    regions whose overall tier changes, with their old and new tier."""
    changes = publication_preview(draft=draft)
    names = {dimension.code: dimension.name for dimension in draft.dimensions.all()}
    codes = ["overall", *names]
    for change in changes:
        codes += [score.code for score in change.scores if score.code not in codes]
    columns = [{"code": code, "label": _("Overall") if code == "overall" else code, "title": names.get(code, "")}
               for code in codes]
    rows = []
    for change in changes:
        scores = {score.code: score for score in change.scores}
        rows.append({
            "region": change.region,
            "assessment": change.assessment,
            "version": change.old.version,
            "changed": change.changed,
            "cells": [
                {"old": _score_label(score.old_score), "old_tier": _tier_label(score.old_tier),
                 "new": _score_label(score.new_score), "new_tier": _tier_label(score.new_tier),
                 "changed": score.changed}
                if (score := scores.get(code)) else None
                for code in codes
            ],
        })
    tier_changes = [{"region": change.region, "old": _tier_label(change.old.overall_tier),
                     "new": _tier_label(change.new.overall_tier)}
                    for change in changes if change.old.overall_tier != change.new.overall_tier]
    return {"columns": columns, "rows": rows, "tier_changes": tier_changes, "regions": len(changes)}


# --- the questionnaire ---------------------------------------------------------------------------


# Long texts in a few lines (they grow when typed into): a page of inlines stays readable.
COMPACT_TEXT: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})},
    models.JSONField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 30})}}


def _texts(title, *fields: str) -> tuple[Any, Any]:
    """An inline's long texts in a fieldset that opens on demand (a <details>; Django keeps it open
    when one of its fields has an error), so each row shows its essentials first."""
    return (title, {"classes": ["collapse"], "fields": list(fields)})


class SubDimensionInline(VersionedInline, admin.StackedInline):
    model = SubDimension
    formfield_overrides = COMPACT_TEXT
    fieldsets = [(None, {"fields": [("code", "order", "weight", "guide_section"), ("name_zh", "name_en")]}),
                 _texts(gettext_lazy("Measures and reasons for the weight"),
                        "measures_zh", "measures_en", "rationale_zh", "rationale_en")]


@admin.register(Dimension)
class DimensionAdmin(VersionedAdmin):
    list_display = ["code", "name_zh", "name_en", "weight", "framework"]
    list_filter = ["framework"]
    formfield_overrides = COMPACT_TEXT
    inlines = [SubDimensionInline]


class IndicatorInline(VersionedInline, admin.StackedInline):
    """Each indicator of a sub-dimension: its code, order, weight, N/A rule, guide section and
    Chinese question at a glance, its other texts folded (every field stays editable here, and on
    the indicator's own page, linked from each row with its level descriptors)."""

    model = Indicator
    formfield_overrides = COMPACT_TEXT
    fieldsets = [(None, {"fields": [("code", "order", "weight", "guide_section"), ("allows_na", "na_kinds"),
                                    "question_zh"]}),
                 _texts(gettext_lazy("English question, reasons for the weight, guide quotation and help"),
                        "question_en", "rationale_zh", "rationale_en", "guide_quote_zh", "guide_quote_en",
                        "help_zh", "help_en")]


@admin.register(SubDimension)
class SubDimensionAdmin(VersionedAdmin):
    list_display = ["code", "name_zh", "name_en", "dimension"]
    list_filter = ["dimension__framework", "dimension__code"]
    formfield_overrides = COMPACT_TEXT
    inlines = [IndicatorInline]


class LevelDescriptorInline(VersionedInline, admin.TabularInline):
    model = LevelDescriptor
    fields = ["level", "text_zh", "text_en", "criteria"]
    formfield_overrides = COMPACT_TEXT
    max_num = 5
    show_change_link = False

    def get_extra(self, request, obj=None, **kwargs):
        """Empty rows up to the five levels an indicator needs."""
        if obj is None:
            return 5
        return max(0, 5 - obj.levels.count())


@admin.register(Indicator)
class IndicatorAdmin(VersionedAdmin):
    list_display = ["code", "question_zh", "weight", "allows_na", "subdimension"]
    list_filter = ["subdimension__dimension__framework", "subdimension__dimension__code", "allows_na"]
    search_fields = ["code", "question_zh", "question_en"]
    formfield_overrides = COMPACT_TEXT
    inlines = [LevelDescriptorInline]


# --- recommendation content ----------------------------------------------------------------------


@admin.register(TierAdvice)
class TierAdviceAdmin(VersionedAdmin):
    list_display = ["kind", "tier", "title_zh", "guide_section", "framework"]
    list_filter = ["framework", "kind", "tier"]


class SceneTypeForm(SameVersionLinksForm):
    links = "dimensions"


class ScenePrerequisiteInline(VersionedInline, admin.TabularInline):
    """The indicators and minimum levels a scene type needs (an indicator code of the same version;
    publishing checks that it exists)."""

    model = ScenePrerequisite
    fields = ["indicator_code", "level", "guide_section"]
    show_change_link = False


@admin.register(SceneType)
class SceneTypeAdmin(VersionedAdmin):
    form = SceneTypeForm
    list_display = ["number", "name_zh", "mature", "framework"]
    list_filter = ["framework", "mature"]
    filter_horizontal = ["dimensions"]
    inlines = [ScenePrerequisiteInline]


@admin.register(FeatureScene)
class FeatureSceneAdmin(VersionedAdmin):
    list_display = ["city_type", "title_zh", "framework"]
    list_filter = ["framework", "city_type"]


@admin.register(EcosystemAdvice)
class EcosystemAdviceAdmin(VersionedAdmin):
    list_display = ["order", "title_zh", "framework"]
    list_filter = ["framework"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(VersionedAdmin):
    list_display = ["term_zh", "term_en", "framework"]
    list_filter = ["framework"]
    search_fields = ["term_zh", "term_en"]


class CaseForm(SameVersionLinksForm):
    links = "subdimensions"


@admin.register(Case)
class CaseAdmin(VersionedAdmin):
    form = CaseForm
    list_display = ["number", "title_zh", "guide_section", "framework"]
    list_filter = ["framework"]
    filter_horizontal = ["subdimensions"]
