"""The project's vocabularies, each defined once: tiers (with their order and badge colour) and the
content languages. Everything else (models, scoring, charts, templates, the API schema) derives
from these."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """Maturity tiers from the highest down; `rank` orders them (basic 0 … advanced 2)."""

    ADVANCED = "advanced", _("Advanced")
    INTERMEDIATE = "intermediate", _("Intermediate")
    BASIC = "basic", _("Basic")

    @property
    def rank(self) -> int:
        return TIER_RANKS[self]

    @property
    def badge_class(self) -> str:
        return TIER_BADGES[self]


TIER_RANKS = {Tier.BASIC: 0, Tier.INTERMEDIATE: 1, Tier.ADVANCED: 2}
TIER_BADGES = {Tier.ADVANCED: "text-bg-success", Tier.INTERMEDIATE: "text-bg-warning", Tier.BASIC: "text-bg-danger"}


class Language(models.TextChoices):
    """The languages of the UI, the questionnaire content, reports and exports (zh-hans first)."""

    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


def language_or_none(value: str | None) -> str | None:
    """`value` if it names one of our languages, else None."""
    return value if value in Language.values else None
