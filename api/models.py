"""Personal API tokens. Only a SHA-256 of a token is stored: the clear token is shown to its owner
once, when it is created, and can never be read back (a lost token is revoked and replaced)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "sodpa_"  # noqa: S105 - a public marker that makes leaked tokens easy to find, not a secret
PREFIX_SHOWN = len(TOKEN_PREFIX) + 6  # "sodpa_" and six characters: enough to tell tokens apart
# last_used is written at most this often per token, so busy clients do not write on every request.
LAST_USED_RESOLUTION_SECONDS = 60


def token_digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def user_for(self, clear: str):
        """The active user the clear token belongs to, or None (unknown, revoked, or deactivated);
        marks the token as used."""
        if not clear or len(clear) > 200:
            return None
        token = self.select_related("user").filter(key_hash=token_digest(clear), user__is_active=True).first()
        if token is None:
            return None
        now = timezone.now()
        if token.last_used is None or (now - token.last_used).total_seconds() >= LAST_USED_RESOLUTION_SECONDS:
            type(token).objects.filter(pk=token.pk).update(last_used=now)
        return token.user


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=PREFIX_SHOWN, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """A new token for the user: the saved row and the clear token, which is not kept."""
        clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=token_digest(clear), prefix=clear[:PREFIX_SHOWN])
        return token, clear
