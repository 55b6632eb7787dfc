"""Third-party review of a submitted assessment (guide 三(三) 二是: 委托第三方单位定期开展项目评估).

A `Review` per assessment (not reviewed → in review → verified), an `AnswerReview` per reviewed
answer (accepted or queried, with the self-assessed value when first reviewed and the verified value
once the answer was changed in review) and its thread of `ReviewMessage`s (a query, a reply, a change
with its reason, an acceptance). The services are in assessments/review.py."""

from typing import Literal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frameworks.models import Indicator

# An answer value as stored here: "0"–"4", "na", or "" (unanswered).
VALUE_CHOICES = [(str(level), str(level)) for level in range(5)] + [("na", _("N/A"))]


def stored_value(value: int | Literal["na"] | None) -> str:
    return "" if value is None else str(value)


def read_value(stored: str) -> int | Literal["na"] | None:
    if stored == "":
        return None
    return "na" if stored == "na" else int(stored)


class Review(models.Model):
    class Status(models.TextChoices):
        NOT_REVIEWED = "not_reviewed", _("Not reviewed")
        IN_REVIEW = "in_review", _("In review")
        VERIFIED = "verified", _("Verified")

    assessment = models.OneToOneField("assessments.Assessment", models.CASCADE, related_name="review")
    status = models.CharField(_("review status"), max_length=12, choices=Status, default=Status.NOT_REVIEWED)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("reviewer"))
    started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.status}"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class AnswerReview(models.Model):
    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        QUERIED = "queried", _("Queried")

    review = models.ForeignKey(Review, models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    # blank: not reviewed (again) yet, e.g. after the assessment was sent back and resubmitted
    state = models.CharField(_("review state"), max_length=10, choices=State, blank=True)
    self_value = models.CharField(_("self-assessed level"), max_length=2, choices=VALUE_CHOICES, blank=True)
    verified_value = models.CharField(_("verified level"), max_length=2, choices=VALUE_CHOICES, blank=True)
    changed = models.BooleanField(_("changed in review"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer review")
        verbose_name_plural = _("answer reviews")
        constraints = [models.UniqueConstraint(fields=["review", "indicator"], name="answer_review_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.state or '-'}"


class ReviewMessage(models.Model):
    class Kind(models.TextChoices):
        QUERY = "query", _("Query")
        REPLY = "reply", _("Reply")
        CHANGE = "change", _("Changed the answer")
        ACCEPT = "accept", _("Accepted")

    answer_review = models.ForeignKey(AnswerReview, models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=8, choices=Kind)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("text"), blank=True)
    old_value = models.CharField(max_length=2, choices=VALUE_CHOICES, blank=True)
    new_value = models.CharField(max_length=2, choices=VALUE_CHOICES, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"
