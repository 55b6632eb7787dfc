"""The questionnaire step form: one radio group (level descriptors, "not applicable" where allowed)
and one evidence note per indicator, grouped by sub-dimension, rendered with crispy-forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments.answering import Edit, evidence_digest
from assessments.models import Answer
from assessments.scoring import NOT_APPLICABLE, AnswerValue
from frameworks.models import Dimension, Indicator

LEVEL_NAMES = {
    0: _("Not started"),
    1: _("Initial"),
    2: _("Developing"),
    3: _("Established"),
    4: _("Leading"),
}
EVIDENCE_MAX_LENGTH = 5000


def field_key(indicator: Indicator) -> str:
    return "i_" + indicator.code.replace(".", "_")


def _value_token(value: AnswerValue) -> str:
    return "" if value is None else str(value)


def _parse_token(token: str) -> AnswerValue:
    if token in ("", None):
        return None
    return NOT_APPLICABLE if token == NOT_APPLICABLE else int(token)


class StepForm(forms.Form):
    """Fields per indicator `<key>-level`, `<key>-evidence` and hidden `<key>-rev`, `<key>-seen`,
    `<key>-seenev`: the revision and the values the page showed, to detect concurrent edits."""

    def __init__(self, *args, dimension: Dimension, answers: dict[int, Answer], **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension = dimension
        self.indicators = [ind for sub in dimension.subdimensions.all() for ind in sub.indicators.all()]
        for indicator in self.indicators:
            self._add_fields(indicator, answers.get(indicator.pk))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*[self._section(sub) for sub in dimension.subdimensions.all()])

    def _add_fields(self, indicator: Indicator, answer: Answer | None) -> None:
        key = field_key(indicator)
        choices: list[tuple[str, str | Promise]] = [
            (str(level.level), f"{level.level} · {LEVEL_NAMES[level.level]} — {level.text}")
            for level in indicator.levels.all()
        ]
        if indicator.allows_na:
            choices.append((NOT_APPLICABLE, _("Not applicable — this indicator does not apply to this region")))
        value = _value_token(answer.value) if answer else ""
        evidence = answer.evidence if answer else ""
        self.fields[f"{key}-level"] = forms.ChoiceField(
            label=f"{indicator.code}  {indicator.question}", choices=choices, required=False,
            widget=forms.RadioSelect, initial=value,
            help_text=format_html("{} <span class=\"text-nowrap\">({} {})</span>", indicator.help,
                                  _("Guide section"), indicator.guide_section),
        )
        self.fields[f"{key}-evidence"] = forms.CharField(
            label=_("Evidence for %(code)s") % {"code": indicator.code}, required=False,
            max_length=EVIDENCE_MAX_LENGTH, initial=evidence,
            widget=forms.Textarea(
                attrs={"rows": 2, "placeholder": _("Documents, data or links that support this level")}
            ),
        )
        self.fields[f"{key}-rev"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=answer.revision if answer else 0, min_value=0)
        self.fields[f"{key}-seen"] = forms.CharField(widget=forms.HiddenInput, initial=value, required=False)
        self.fields[f"{key}-seenev"] = forms.CharField(
            widget=forms.HiddenInput, initial=evidence_digest(evidence), required=False)

    def _section(self, subdimension) -> Fieldset:
        parts = []
        for indicator in subdimension.indicators.all():
            key = field_key(indicator)
            parts.append(Div(f"{key}-level", f"{key}-evidence", f"{key}-rev", f"{key}-seen", f"{key}-seenev",
                             css_class="indicator border-bottom pb-3 mb-3", css_id=f"indicator-{key}"))
        heading = HTML(format_html(
            '<p class="text-body-secondary small mb-3">{} {}</p>', _("Guide section"), subdimension.guide_section))
        return Fieldset(f"{subdimension.code} {subdimension.name}", heading, *parts,
                        css_class="subdimension mb-4")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for indicator in self.indicators:
            seen = cleaned.get(f"{field_key(indicator)}-seen")
            if seen not in ("", None, NOT_APPLICABLE, "0", "1", "2", "3", "4"):
                raise forms.ValidationError(_("The page was damaged; reload it and try again."))
        return cleaned

    def edits(self) -> dict[str, Edit]:
        edits = {}
        for indicator in self.indicators:
            key = field_key(indicator)
            edits[indicator.code] = Edit(
                value=_parse_token(self.cleaned_data.get(f"{key}-level") or ""),
                evidence=self.cleaned_data.get(f"{key}-evidence") or "",
                seen_revision=self.cleaned_data.get(f"{key}-rev") or 0,
                seen_value=_parse_token(self.cleaned_data.get(f"{key}-seen") or ""),
                seen_evidence_digest=self.cleaned_data.get(f"{key}-seenev") or "",
            )
        return edits
