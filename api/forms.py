from datetime import timedelta
from typing import cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiToken

LIFETIME_DAYS = (30, 90, 365)
NEVER = "never"


def lifetime_choices() -> list[tuple[str, str]]:
    """The lifetimes a user may choose, up to API_TOKEN_MAX_LIFETIME_DAYS (0: no maximum, and then
    "never expires" too); the longest allowed first."""
    longest = settings.API_TOKEN_MAX_LIFETIME_DAYS
    days = [d for d in LIFETIME_DAYS if longest <= 0 or d <= longest]
    if longest > 0 and longest not in days:
        days.append(longest)
    choices = [(str(d), ngettext("%(days)d day", "%(days)d days", d) % {"days": d}) for d in sorted(days, reverse=True)]
    return ([(NEVER, str(_("Never expires")))] if longest <= 0 else []) + choices


class TokenForm(forms.ModelForm):
    lifetime = forms.ChoiceField(label=_("Expires after"), required=False,
                                 help_text=_("The token stops working then; create a new one before."))

    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": _("Name of the new token")}
        help_texts = {"name": _("What it is for, e.g. “city operations centre dashboard”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lifetime = cast(forms.ChoiceField, self.fields["lifetime"])
        lifetime.choices = lifetime_choices()
        lifetime.initial = lifetime.choices[0][0]

    def clean_lifetime(self) -> str:
        """Empty (an older client) means the longest lifetime allowed."""
        return self.cleaned_data["lifetime"] or lifetime_choices()[0][0]

    def expires_at(self):
        lifetime = self.cleaned_data["lifetime"]
        return None if lifetime == NEVER else timezone.now() + timedelta(days=int(lifetime))
