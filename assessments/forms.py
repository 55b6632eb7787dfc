"""The questionnaire step form: one radio group (level descriptors, "not applicable" where allowed)
and one evidence note per indicator, grouped by sub-dimension, rendered with crispy-forms.

Framework text (names, guide sections) is data: crispy's `Fieldset` legend and `HTML` render their
text as a Django template, so they are not used with it; `TextFieldset` and `Markup` put it into the
page escaped, as typed."""

from collections.abc import Collection, Mapping

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from assessments.answering import Edit, evidence_digest
from assessments.models import Answer, Response
from assessments.outline import subdimension_anchor
from assessments.scoring import NOT_APPLICABLE, AnswerValue
from frameworks.i18n import guide_section_label
from frameworks.models import Dimension, Indicator, LevelDescriptor

LEVEL_NAMES = {
    0: _("Not started"),
    1: _("Initial"),
    2: _("Developing"),
    3: _("Established"),
    4: _("Leading"),
}
EVIDENCE_MAX_LENGTH = 5000


class TextFieldset(Fieldset):
    """A crispy Fieldset whose legend is plain text (escaped), never rendered as a template."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        context.update({"fieldset": self, "legend": conditional_escape(self.legend), "fields": fields})
        return render_to_string(self.get_template_name(template_pack), context.flatten())


class Markup(LayoutObject):
    """Ready HTML (built with format_html, so every value in it is escaped), inserted as it is."""

    def __init__(self, html: SafeString):
        self.html = html
        self.fields: list = []

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return self.html


class EvidenceFiles(LayoutObject):
    """The indicator's evidence files (templates/assessments/_evidence_files.html), when the page gives
    `evidence` (assessments/evidence.py `questionnaire_evidence`)."""

    def __init__(self, indicator: Indicator):
        self.indicator = indicator
        self.fields: list = []

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        evidence = context.get("evidence")
        if not evidence:
            return ""
        return render_to_string("assessments/_evidence_files.html", {
            **context.flatten(), "indicator": self.indicator, "key": field_key(self.indicator),
            "files": evidence["files"].get(self.indicator.pk, [])})


def field_key(indicator: Indicator) -> str:
    return "i_" + indicator.code.replace(".", "_")


def _value_token(value: AnswerValue) -> str:
    return "" if value is None else str(value)


def level_choice_label(level: LevelDescriptor):
    """"2 · Developing — descriptor", and under it the level's criteria (version 2), escaped."""
    label = f"{level.level} · {LEVEL_NAMES[level.level]} — {level.text}"
    criteria = level.localized_criteria() if level.level else []
    if not criteria:
        return label
    # phrasing content only: the label element may not hold a list
    return format_html('{}<span class="criteria d-block small text-body-secondary">{}</span>', label,
                       format_html_join("", '<span class="criterion d-block">• {}</span>',
                                        ((text,) for text in criteria)))


def _parse_token(token: str) -> AnswerValue:
    if token in ("", None):
        return None
    return NOT_APPLICABLE if token == NOT_APPLICABLE else int(token)


class StepForm(forms.Form):
    """Fields per indicator `<key>-level`, `<key>-evidence` and hidden `<key>-rev`, `<key>-seen`,
    `<key>-seenev`: the revision and the values the page showed, to detect concurrent edits."""

    def __init__(self, *args, dimension: Dimension, answers: Mapping[int, Answer | Response],
                 region_kind: str | None = None, na_requires_reason: bool = False,
                 only: Collection[int] | None = None, hidden_codes: frozenset[str] = frozenset(),
                 clearable: bool = False, **kwargs):
        """`region_kind`: "not applicable" is offered only where that kind of region may use it;
        `na_requires_reason`: (version 2 on) a "not applicable" answer needs its reason in the evidence;
        `only`: the indicators (ids) shown, e.g. a contributor's parts (assessments/team.py);
        `hidden_codes`: indicators kept in the form but not shown (the "only unanswered" filter);
        `clearable`: a saved answer gets a button that sets it back to unanswered."""
        super().__init__(*args, **kwargs)
        self.hidden_codes = hidden_codes
        self.clearable = {ind.code for ind, answer in
                          ((i, answers.get(i.pk)) for s in dimension.subdimensions.all() for i in s.indicators.all())
                          if answer is not None} if clearable else set()
        self.dimension = dimension
        self.region_kind = region_kind
        self.na_requires_reason = na_requires_reason
        self.only = None if only is None else frozenset(only)
        self.answers = answers
        self.indicators = [ind for sub in dimension.subdimensions.all() for ind in self._shown(sub)]
        for indicator in self.indicators:
            self._add_fields(indicator, answers.get(indicator.pk))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*[self._section(sub) for sub in dimension.subdimensions.all() if self._shown(sub)])

    def _shown(self, subdimension) -> list[Indicator]:
        return [i for i in subdimension.indicators.all() if self.only is None or i.pk in self.only]

    def _answered_by(self, indicator: Indicator) -> Markup:
        answer = self.answers.get(indicator.pk)
        who = answer.updated_by if answer is not None else None
        if who is None or answer is None or answer.value is None:
            return Markup(SafeString(""))
        return Markup(format_html('<p class="small text-body-secondary answered-by mb-1">{}</p>',
                                  _("Answered by %(name)s") % {"name": who.get_full_name() or who.get_username()}))

    def _add_fields(self, indicator: Indicator, answer: Answer | Response | None) -> None:
        key = field_key(indicator)
        choices: list[tuple[str, str | Promise]] = [
            (str(level.level), level_choice_label(level)) for level in indicator.levels.all()]
        if self._offers_na(indicator):
            choices.append((NOT_APPLICABLE, _("Not applicable — this indicator does not apply to this region")))
        value = _value_token(answer.value) if answer else ""
        evidence = answer.evidence if answer else ""
        self.fields[f"{key}-level"] = forms.ChoiceField(
            label=f"{indicator.code}  {indicator.question}", choices=choices, required=False,
            widget=forms.RadioSelect, initial=value,
            help_text=format_html("{} <span class=\"text-nowrap\">({} {})</span>", indicator.help,
                                  _("Guide section"), guide_section_label(indicator.guide_section)),
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
        indicators = self._shown(subdimension)
        for indicator in indicators:
            key = field_key(indicator)
            hidden = " d-none" if indicator.code in self.hidden_codes else ""
            clear = [Markup(format_html(
                '<button type="submit" name="clear" value="{}" class="btn btn-sm btn-link px-0 clear-answer">'
                '{}</button>',
                indicator.code, _("Clear the answer to %(code)s") % {"code": indicator.code}))] \
                if indicator.code in self.clearable else []
            parts.append(Div(f"{key}-level", self._answered_by(indicator), *clear, f"{key}-evidence",
                             EvidenceFiles(indicator), f"{key}-rev", f"{key}-seen", f"{key}-seenev",
                             css_class="indicator border-bottom pb-3 mb-3" + hidden, css_id=f"indicator-{key}"))
        heading = Markup(format_html(
            '<p class="text-body-secondary small mb-3">{} {}</p>', _("Guide section"),
            guide_section_label(subdimension.guide_section)))
        all_hidden = bool(indicators) and all(ind.code in self.hidden_codes for ind in indicators)
        return TextFieldset(f"{subdimension.code} {subdimension.name}", heading, *parts,
                            css_class="subdimension mb-4" + (" d-none" if all_hidden else ""),
                            css_id=subdimension_anchor(subdimension.code))

    def _offers_na(self, indicator: Indicator) -> bool:
        return indicator.allows_na_for(self.region_kind) if self.region_kind else indicator.allows_na

    def _check_na_reasons(self, cleaned: dict) -> None:
        """An N/A answer without its reason is refused, naming the indicator; the input stays."""
        if not self.na_requires_reason:
            return
        for indicator in self.indicators:
            key = field_key(indicator)
            if cleaned.get(f"{key}-level") == NOT_APPLICABLE and not (cleaned.get(f"{key}-evidence") or "").strip():
                self.add_error(f"{key}-evidence", _(
                    "%(code)s: “not applicable” needs its reason: say in the evidence why this indicator "
                    "does not apply to this region.") % {"code": indicator.code})

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for indicator in self.indicators:
            seen = cleaned.get(f"{field_key(indicator)}-seen")
            if seen not in ("", None, NOT_APPLICABLE, "0", "1", "2", "3", "4"):
                raise forms.ValidationError(_("The page was damaged; reload it and try again."))
        self._check_na_reasons(cleaned)
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
