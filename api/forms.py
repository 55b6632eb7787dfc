from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": _("Name of the new token")}
        help_texts = {"name": _("What it is for, e.g. “city operations centre dashboard”.")}
