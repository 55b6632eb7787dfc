"""Lean form widgets: the same HTML as Django's, built in Python instead of one template per option.

A results page carries one plan form per improvement-plan item, each with a select of indicators:
rendered through the template engine those selects were half of the page's time (docs/benchmarks.md).
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")  # noqa: S308  (a constant)


class LeanSelect(forms.Select):
    """A single-choice select with flat choices (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((str(key), SELECTED if str(key) in chosen else "", label) for key, label in self.choices))
        return format_html("<select{}>{}</select>", flatatt(final), options)


class LeanTextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final.update(type=self.input_type, name=name)
        formatted = self.format_value(value)
        if formatted is not None:
            final["value"] = formatted
        return format_html("<input{}>", flatatt(final))


class LeanDateInput(LeanTextInput, forms.DateInput):
    input_type = "date"


class LeanTextarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        return format_html("<textarea{}>\n{}</textarea>", flatatt(final), self.format_value(value) or "")
