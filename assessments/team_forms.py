"""The team page's forms: invite a contributor, assign a part, hand a part to someone else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.team import Part


class InviteForm(forms.Form):
    identifier = forms.CharField(label=_("User name or e-mail address"), max_length=254)
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)
    name = forms.CharField(label=_("Name and bureau (optional)"), max_length=150, required=False)


class AssignForm(forms.Form):
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Contributor"), queryset=None, empty_label=None)
    part = forms.ChoiceField(label=_("Part"))
    independent = forms.BooleanField(
        label=_("Independently"), required=False,
        help_text=_("Each contributor on this part answers without seeing the others; you then set the "
                    "consolidated answer on the part's consensus page."))

    def __init__(self, *args, contributors, parts: list[Part], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = contributors  # type: ignore[attr-defined]
        choices = [(p.code, f"{p.code} {p.name}" if p.is_dimension else f"— {p.code} {p.name}") for p in parts]
        self.fields["part"].choices = choices  # type: ignore[attr-defined]


class ReassignForm(forms.Form):
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Hand to"), queryset=None, empty_label=None)

    def __init__(self, *args, contributors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = contributors  # type: ignore[attr-defined]
