"""The in-app inbox: what awaits each user (assessments/inbox.py has the services)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment")
        QUERY = "query", _("Query")
        REPLY = "reply", _("Reply")
        SENT_BACK = "sent_back", _("Sent back")
        VERIFIED = "verified", _("Verified")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    assessment = models.ForeignKey("assessments.Assessment", models.CASCADE, null=True, blank=True,
                                   related_name="notifications")
    params = models.JSONField(default=dict, blank=True)  # what the text names: rendered in the reader's language
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class UserLanguage(models.Model):
    """The language a user last signed in with (recorded at sign-in), so that e-mail reaches them in it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
