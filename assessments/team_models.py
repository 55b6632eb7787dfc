"""A region's team at work on an assessment: who answers which part, and the answers given
independently before the coordinator (the region's official) sets the consolidated one."""

from typing import Literal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from frameworks.models import Indicator


class Assignment(models.Model):
    """A contributor answers one part of an assessment: a dimension ("S") or a sub-dimension ("S1").

    `independent`: the contributor answers into their own `Response` rows, unseen by the others on the
    same part; the coordinator then sets the consolidated answer (assessments/consensus.py)."""

    assessment = models.ForeignKey("assessments.Assessment", models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="assignments",
                             verbose_name=_("contributor"))
    part = models.CharField(_("part"), max_length=20)
    independent = models.BooleanField(_("independent"), default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["part", "user__username"]
        constraints = [models.UniqueConstraint(fields=["assessment", "user", "part"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.part} → {self.user_id}"


class Response(models.Model):
    """One contributor's own answer to an indicator of a part assigned to them independently.
    Kept after the consolidated answer is set: the disagreement stays on record."""

    assessment = models.ForeignKey("assessments.Assessment", models.CASCADE, related_name="responses")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True, validators=[MaxValueValidator(4)])
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    evidence = models.TextField(_("evidence"), blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("independent answer")
        verbose_name_plural = _("independent answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator", "user"], name="response_unique"),
            models.CheckConstraint(
                condition=(models.Q(not_applicable=True, level__isnull=True)
                           | models.Q(not_applicable=False, level__lte=4)
                           | models.Q(not_applicable=False, level__isnull=True)),
                name="response_level_or_na",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} by {self.user_id}: {'N/A' if self.not_applicable else self.level}"

    @property
    def value(self) -> int | Literal["na"] | None:
        if self.not_applicable:
            return "na"
        return self.level

    @property
    def updated_by(self):
        """As on an Answer: who last set it (always its own respondent)."""
        return self.user
