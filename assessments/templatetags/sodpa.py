from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from frameworks.enums import Tier

register = template.Library()

TIER_LABELS = {tier.value: tier.label for tier in Tier}
TIER_CLASSES = {tier.value: tier.badge_class for tier in Tier}


@register.filter
def tier_label(tier: str | None) -> str:
    return str(TIER_LABELS.get(tier, _("No score")) if tier else _("No score"))


@register.filter
def tier_badge(tier: str | None, provisional: bool = False):
    """The tier as a coloured badge; for an incomplete draft (`provisional`) no tier at all, only the
    word "provisional": a tier from a part of the answers would read as final."""
    if provisional:
        return format_html('<span class="text-body-secondary small provisional">{}</span>', _("provisional"))
    return format_html('<span class="badge {} tier-{}">{}</span>', TIER_CLASSES.get(tier or "", "text-bg-secondary"),
                       tier or "none", tier_label(tier))


@register.filter
def provisional_score(value: float | None, completion: float) -> str:
    """An incomplete draft's score for people: "43.3 · provisional, 13% answered", never with a tier."""
    if value is None:
        return "—"
    return _("%(score)s · provisional, %(share)s answered") % {"score": score(value), "share": percent(completion)}


@register.filter
def score(value: float | None) -> str:
    """A score for people: one decimal, localised; an em dash when there is none."""
    return "—" if value is None else floatformat(value, 1)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{floatformat(value * 100, 0)}%"


@register.filter
def level_label(value) -> str:
    """An indicator level for people: "3 Established", "N/A", or an em dash when there is none."""
    from assessments.forms import LEVEL_NAMES

    if value is None or value == "":
        return "—"
    if value == "na":
        return str(_("N/A"))
    return f"{value} {LEVEL_NAMES.get(value, '')}".strip()


@register.filter
def guide_section(section: str) -> str:
    """A guide section cited in the page's language: 二(一) in Chinese, "Ch. 2 (1)" in English."""
    from frameworks.i18n import guide_section_label

    return guide_section_label(section or "")


@register.filter
def key(mapping: dict, name: str):
    """`mapping[name]`, or "" when it has no such key."""
    return mapping.get(name, "")


@register.inclusion_tag("assessments/_chart_table.html")
def chart_table(figure: dict, caption: str) -> dict:
    """The chart's figures as a collapsible table next to it (the chart's text equivalent)."""
    from assessments.charts import chart_table as table_of

    return {"table": table_of(figure), "caption": caption}


@register.filter
def signed(value: float | None) -> str:
    """A difference for people: one decimal with its sign (+1.5, −0.5, 0.0); an em dash when there is none."""
    if value is None:
        return "—"
    if abs(value) < 0.05:
        return floatformat(0.0, 1)
    return ("+" if value > 0 else "−") + floatformat(abs(value), 1)
