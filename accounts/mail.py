"""Whether the site can deliver e-mail at all (password resets depend on it)."""

from django.conf import settings

# Backends that accept a message and deliver it to nobody outside the server.
UNDELIVERED_BACKENDS = frozenset({
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
})


def mail_delivery_configured() -> bool:
    """True when a mail server is set (EMAIL_HOST) and the backend actually sends."""
    return bool(settings.EMAIL_HOST) and settings.EMAIL_BACKEND not in UNDELIVERED_BACKENDS
