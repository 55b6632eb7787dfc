"""Regions, their assessments against a framework version, and the answers."""

from typing import Literal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from frameworks.models import CityType, Framework, Indicator


class Region(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        PARK = "park", _("Park")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    city_type = models.CharField(_("city type"), max_length=15, choices=CityType)
    officials = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="official_regions",
        verbose_name=_("officials"),
    )
    consultants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="consulted_regions",
        verbose_name=_("consultants"),
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contributed_regions",
        verbose_name=_("contributors"),
    )
    # third-party evaluators of the region (guide 三(三) 二是): read like a consultant, and review
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assessed_regions",
        verbose_name=_("assessors"),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssessmentQuerySet(models.QuerySet):
    def with_answers(self):
        """An assessment with its region, framework and answers (indicator codes included)."""
        return self.select_related("region", "framework").prefetch_related(
            models.Prefetch("answers", queryset=Answer.objects.select_related("indicator"))
        )


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    region = models.ForeignKey(Region, models.CASCADE, related_name="assessments", verbose_name=_("region"))
    framework = models.ForeignKey(Framework, models.PROTECT, related_name="assessments", verbose_name=_("framework"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.region} – {self.title}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """One indicator's answer: a level 0–4, or "not applicable"; no row means unanswered.

    `revision` grows with each save, so a save made from a stale page can be detected and refused
    instead of silently overwriting someone else's answer.
    """

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, validators=[MaxValueValidator(4)]
    )
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    evidence = models.TextField(_("evidence"), blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="answer_unique"),
            models.CheckConstraint(
                condition=(models.Q(not_applicable=True, level__isnull=True)
                           | models.Q(not_applicable=False, level__lte=4)
                           | models.Q(not_applicable=False, level__isnull=True)),
                name="answer_level_or_na",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {'N/A' if self.not_applicable else self.level}"

    @property
    def value(self) -> int | Literal["na"] | None:
        """The answer as scoring reads it: 0–4, "na", or None when unanswered."""
        if self.not_applicable:
            return "na"
        return self.level


class StatusChange(models.Model):
    """Submitted, reopened: the assessment's history of status changes."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=10, choices=Assessment.Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.status}"


class Comment(models.Model):
    """A consultant's (or official's) remark on an assessment."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class PlanItem(models.Model):
    """One action of a region's improvement plan, made from an assessment's recommendations (PDCA):
    an action, its owner and target date and, optionally, an indicator with the level it should reach.
    The next assessment of the region shows the target against the level achieved there."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="plan_items",
                                   verbose_name=_("made from assessment"))
    region = models.ForeignKey(Region, models.CASCADE, related_name="plan_items", verbose_name=_("region"))
    action = models.TextField(_("action"))
    owner = models.CharField(_("owner"), max_length=200)
    target_date = models.DateField(_("target date"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("indicator"))
    target_level = models.PositiveSmallIntegerField(_("target level"), null=True, blank=True,
                                                    validators=[MaxValueValidator(4)])
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["target_date", "pk"]
        constraints = [
            # an indicator comes with the level it should reach, and a level with its indicator
            models.CheckConstraint(
                condition=(models.Q(indicator__isnull=True, target_level__isnull=True)
                           | models.Q(indicator__isnull=False, target_level__isnull=False, target_level__lte=4)),
                name="plan_item_indicator_and_level",
            ),
        ]

    def __str__(self) -> str:
        return self.action[:50]

    def save(self, *args, **kwargs):
        self.region_id = self.assessment.region_id  # always the assessment's region
        super().save(*args, **kwargs)


from assessments.evidence_models import EvidenceFile  # noqa: E402,F401
from assessments.inbox_models import Notification, UserLanguage  # noqa: E402,F401
from assessments.review_models import AnswerReview, Review, ReviewMessage  # noqa: E402,F401
from assessments.team_models import Assignment, Response  # noqa: E402,F401
