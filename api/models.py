"""Personal API tokens. Only a SHA-256 of a token is stored: the clear token is shown to its owner
once, when it is created, and can never be read back (a lost token is revoked and replaced).

A token may expire (`expires_at`, chosen at creation, at most API_TOKEN_MAX_LIFETIME_DAYS ahead) and
stops working when its owner's password changes (a change, a reset or an administrator setting
it): each token keeps a stamp derived from the password hash it was issued under, compared at
every use. No signal is involved, so no way of changing a password can forget to revoke."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

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


def password_stamp(user) -> str:
    """Changes whenever the user's password does (the hash is salted: a new one even for the same
    password)."""
    return hashlib.sha256(f"api-token-stamp:{user.password}".encode()).hexdigest()


class TokenCheck:
    VALID = "valid"
    UNKNOWN = "unknown"  # never issued, revoked, or its owner is deactivated
    EXPIRED = "expired"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an outcome's name, not a password


@dataclass(frozen=True)
class TokenVerdict:
    outcome: str
    user: object | None = None


class ApiTokenQuerySet(models.QuerySet):
    def verdict(self, clear: str, *, now: datetime | None = None) -> TokenVerdict:
        """What the clear token is worth now: its active owner (VALID, and the token is marked as
        used) or why not."""
        if not clear or len(clear) > 200:
            return TokenVerdict(TokenCheck.UNKNOWN)
        token = self.select_related("user").filter(key_hash=token_digest(clear), user__is_active=True).first()
        if token is None:
            return TokenVerdict(TokenCheck.UNKNOWN)
        now = now or timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            return TokenVerdict(TokenCheck.EXPIRED)
        if token.password_stamp != password_stamp(token.user):
            return TokenVerdict(TokenCheck.PASSWORD_CHANGED)
        if token.last_used is None or (now - token.last_used).total_seconds() >= LAST_USED_RESOLUTION_SECONDS:
            type(token).objects.filter(pk=token.pk).update(last_used=now)
        return TokenVerdict(TokenCheck.VALID, token.user)

    def user_for(self, clear: str):
        """The active user a valid clear token belongs to, or None."""
        return self.verdict(clear).user


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=PREFIX_SHOWN, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, editable=False)
    password_stamp = models.CharField(max_length=64, editable=False, default="")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def password_changed(self) -> bool:
        """Issued under a password the owner has changed since: it no longer works."""
        return self.password_stamp != password_stamp(self.user)

    @classmethod
    def issue(cls, *, user, name: str, expires_at: datetime | None = None) -> tuple["ApiToken", str]:
        """A new token for the user: the saved row and the clear token, which is not kept."""
        clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=token_digest(clear), prefix=clear[:PREFIX_SHOWN],
                                   expires_at=expires_at, password_stamp=password_stamp(user))
        return token, clear
