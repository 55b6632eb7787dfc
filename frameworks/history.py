"""A framework version's history as a person reads it: every change to the version and to every
row that belongs to it (weights, texts, thresholds, status), field by field, old value → new value,
with who, when (in the site's time zone) and why.

Values read as the admin shows them: a choice by its label in the page's language ("草稿 → 已发布",
never "draft → published"), a time in TIME_ZONE, yes/no, "—" for nothing; many-to-many links are
left out (they are no weight or text)."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.template_utils import HistoricalRecordContextHelper

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
    TierAdvice,
)

NOTHING = "—"


def display_value(model: type[models.Model], name: str, value) -> str:
    """`value` of `model`'s field `name` as the admin shows it, in the active language."""
    model_field: Any = model._meta.get_field(name)  # a concrete field of a history-tracked model
    if value is None or value == "" or value == []:
        return NOTHING
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                                   "DATETIME_FORMAT")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def field_label(model: type[models.Model], name: str) -> str:
    field: Any = model._meta.get_field(name)
    return str(capfirst(field.verbose_name))


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    record: models.Model  # the historical record
    kind: str  # the model's verbose name
    label: str  # the row, as it was after the change
    date: datetime
    user: object
    reason: str
    type_label: str
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)


def field_changes(record, previous) -> tuple[FieldChange, ...]:
    """What `record` changed since `previous` (both historical records of one row)."""
    model = record.instance_type
    m2m = {f.name for f in model._meta.many_to_many}
    delta = record.diff_against(previous, excluded_fields=m2m)
    return tuple(FieldChange(field_label(model, change.field), display_value(model, change.field, change.old),
                             display_value(model, change.field, change.new))
                 for change in delta.changes)


def _records(framework: Framework) -> list:
    """Every historical record of the version and its rows (deleted rows included)."""
    history = {model: model.history.model.objects for model in (
        Framework, Dimension, SubDimension, Indicator, LevelDescriptor, SceneType, ScenePrerequisite)}
    dims = set(history[Dimension].filter(framework_id=framework.pk).values_list("id", flat=True))
    subs = set(history[SubDimension].filter(dimension_id__in=dims).values_list("id", flat=True))
    inds = set(history[Indicator].filter(subdimension_id__in=subs).values_list("id", flat=True))
    scenes = set(history[SceneType].filter(framework_id=framework.pk).values_list("id", flat=True))
    querysets = [
        history[Framework].filter(id=framework.pk),
        history[Dimension].filter(framework_id=framework.pk),
        history[SubDimension].filter(dimension_id__in=dims),
        history[Indicator].filter(subdimension_id__in=subs),
        history[LevelDescriptor].filter(indicator_id__in=inds),
        history[ScenePrerequisite].filter(scene_type_id__in=scenes),
        *[model.history.model.objects.filter(framework_id=framework.pk)
          for model in (TierAdvice, SceneType, FeatureScene, EcosystemAdvice, GlossaryTerm, Case)],
    ]
    return [record for queryset in querysets for record in queryset.select_related("history_user")]


def _row_label(record) -> str:
    code = getattr(record, "code", None)
    if isinstance(record, Framework.history.model):
        return f"{record.code} v{record.version}"
    if code:
        return str(code)
    if isinstance(record, LevelDescriptor.history.model):
        return _("level %(level)s of indicator %(id)s") % {"level": record.level, "id": record.indicator_id}
    return str(record.instance)


def version_changes(*, framework: Framework, include_created: bool = False) -> tuple[list[Change], int]:
    """The version's changes, newest first, and how many rows were created (a new draft copies every
    row: those creations are counted, not listed, unless `include_created`). The version's own
    creation is always listed."""
    by_row: dict[tuple[type, int], list] = {}
    for record in _records(framework):
        by_row.setdefault((type(record), record.id), []).append(record)
    changes, created = [], 0
    types = {"+": pgettext("history entry", "Created"), "~": pgettext("history entry", "Changed"),
             "-": pgettext("history entry", "Deleted")}
    for records in by_row.values():
        records.sort(key=lambda r: (r.history_date, r.history_id))
        for previous, record in zip([None, *records], records, strict=False):
            own = isinstance(record, Framework.history.model)
            if record.history_type == "+" and not own and not include_created:
                created += 1
                continue
            fields = field_changes(record, previous) if record.history_type == "~" and previous else ()
            if record.history_type == "~" and previous and not fields:
                continue  # saved without a change
            model = record.instance_type
            changes.append(Change(
                record=record, kind=str(capfirst(model._meta.verbose_name)), label=_row_label(record),
                date=record.history_date, user=record.history_user, reason=record.history_change_reason or "",
                type_label=str(types.get(record.history_type, record.history_type)), fields=fields))
    changes.sort(key=lambda change: (change.date, getattr(change.record, "history_id", 0)), reverse=True)
    return changes, created


class LocalisedHistoryHelper(HistoricalRecordContextHelper):
    """django-simple-history's per-row history page, with values as `display_value` shows them."""

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        model = self.model
        if model._meta.get_field(change.field).many_to_many:
            return formatted
        return type(formatted)(field=formatted.field, old=display_value(model, change.field, change.old),
                               new=display_value(model, change.field, change.new))
