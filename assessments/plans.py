"""The improvement plan (PDCA): actions an official picks from an assessment's recommendations, each
with an owner, a target date and, optionally, an indicator of a weak sub-dimension and the level it
should reach; the region's next assessment shows the target against the level achieved there
(matched by indicator code, so a newer framework version still compares)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from assessments.forms import LEVEL_NAMES
from assessments.models import Assessment, PlanItem
from assessments.recommendations import Recommendations, move_indicators
from assessments.scoring import AnswerValue
from assessments.widgets import LeanDateInput, LeanSelect, LeanTextarea, LeanTextInput
from frameworks.models import Framework, Indicator

ACTION_MAX_LENGTH = 2000


@dataclass(frozen=True)
class PlanProgress:
    item: PlanItem
    achieved: int | str | None  # the indicator's level in the newer assessment: 0–4, "na" or None

    @property
    def target(self) -> int | None:
        return self.item.target_level

    @property
    def met(self) -> bool | None:
        """Target reached (None: no target, or no level to compare)."""
        if self.target is None or not isinstance(self.achieved, int):
            return None
        return self.achieved >= self.target


def plan_progress(items, levels: Mapping[str, AnswerValue]) -> list[PlanProgress]:
    """Plan items (made from an earlier assessment) with the level achieved in a newer one, given as
    indicator code → level ("na", or None when unanswered)."""
    return [PlanProgress(item=item, achieved=levels.get(item.indicator.code) if item.indicator else None)
            for item in items]


def plan_indicators(framework: Framework, advice: Recommendations) -> list[Indicator]:
    """The indicators a plan may target: those of the assessment's weak sub-dimensions and those of
    the suggested moves (what to raise first, the moves to the next tier), in questionnaire order,
    from the prefetched framework."""
    weak = {area.subdimension.code for area in advice.weak_areas}
    moved = set(move_indicators(advice=advice))
    return [indicator for dimension in framework.dimensions.all() for sub in dimension.subdimensions.all()
            for indicator in sub.indicators.all() if sub.code in weak or indicator.code in moved]


def move_rows(framework: Framework, moves) -> list[dict]:
    """Suggested one-level moves for people: each with its indicator, the target level's descriptor
    and the action text a one-click plan item gets."""
    indicators = {indicator.code: indicator for dimension in framework.dimensions.all()
                  for sub in dimension.subdimensions.all() for indicator in sub.indicators.all()}
    rows = []
    for move in moves:
        indicator = indicators[move.indicator]
        target = next((lv.text for lv in indicator.levels.all() if lv.level == move.to_level), "")
        action = _("Raise %(code)s from level %(from)s to %(to)s: %(target)s") % {
            "code": move.indicator, "from": move.from_level, "to": move.to_level, "target": target}
        if len(action) > ACTION_MAX_LENGTH:  # Truncator walks every character: only when it must cut
            action = Truncator(action).chars(ACTION_MAX_LENGTH)
        rows.append({"move": move, "indicator": indicator, "target": target, "action": action})
    return rows


class PlanItemForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=ACTION_MAX_LENGTH,
                             widget=LeanTextarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner"), max_length=200, widget=LeanTextInput)
    target_date = forms.DateField(label=_("Target date"), widget=LeanDateInput(format="%Y-%m-%d"))
    indicator = forms.ChoiceField(label=_("Indicator"), required=False, widget=LeanSelect)
    target_level = forms.TypedChoiceField(label=_("Target level"), required=False, coerce=int, empty_value=None,
                                          widget=LeanSelect)
    status = forms.ChoiceField(label=_("Status"), choices=PlanItem.Status.choices, initial=PlanItem.Status.PLANNED,
                               widget=LeanSelect)

    def __init__(self, *args, indicators: list[Indicator], current: Mapping[str, AnswerValue],
                 instance: PlanItem | None = None, **kwargs):
        self.instance = instance
        self.current = current
        # an item keeps its indicator even if that sub-dimension is no longer among the weakest
        if instance is not None and instance.indicator and instance.indicator not in indicators:
            indicators = [*indicators, instance.indicator]
        self.indicators = {indicator.code: indicator for indicator in indicators}
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "action": instance.action, "owner": instance.owner, "target_date": instance.target_date,
                "indicator": instance.indicator.code if instance.indicator else "",
                "target_level": instance.target_level, "status": instance.status,
            }
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        cast(forms.ChoiceField, self.fields["indicator"]).choices = [("", _("— no specific indicator —"))] + [
            (code, f"{code} {Truncator(indicator.question).chars(90)}") for code, indicator in self.indicators.items()]
        cast(forms.ChoiceField, self.fields["target_level"]).choices = [("", "—")] + [(level, f"{level} {name}")
                                                             for level, name in LEVEL_NAMES.items()]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if "indicator" in self.errors or "target_level" in self.errors:
            return data
        code, level = data.get("indicator") or None, data.get("target_level")
        if code and level is None:
            self.add_error("target_level", _("Choose the level this indicator should reach."))
        elif level is not None and not code:
            self.add_error("indicator", _("Choose the indicator whose level is the target."))
        elif code and level is not None:
            now = self.current.get(code)
            if isinstance(now, int) and level <= now:
                self.add_error("target_level", _("The target level must be above the current level (%(level)s).")
                               % {"level": now})
        return data

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # BaseForm._post_clean, missing from the stubs
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def save(self, *, assessment: Assessment, user) -> PlanItem:
        data = self.cleaned_data
        item = self.instance or PlanItem(assessment=assessment, created_by=user)
        item.action, item.owner, item.target_date = data["action"].strip(), data["owner"].strip(), data["target_date"]
        item.indicator = self.indicators.get(data.get("indicator") or "")
        item.target_level = data["target_level"] if item.indicator else None
        item.status = data["status"]
        item.save()
        return item
