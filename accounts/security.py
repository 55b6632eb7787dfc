"""Security events as structured (JSON) log lines on the "sodpa.security" logger: sign-in,
failed sign-in, lockout, denied access, exports, weight changes. One line per event, so a log
collector can index and alert on them."""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("sodpa.security")


def client_address(request) -> str | None:
    """The client's IP address. With TRUSTED_PROXY_COUNT = 0 (default) the peer of the connection
    (REMOTE_ADDR), whatever X-Forwarded-For says (a client can send any header). Behind N trusted
    proxies, each of which appends the address it received the request from to X-Forwarded-For, the
    N-th address from the right: the one our outermost proxy saw; anything left of it was written by
    the client and is ignored. Used by django-axes (AXES_CLIENT_IP_CALLABLE), the sign-in and
    password-reset rate limits and the security log."""
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return peer
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not chain:
        return peer
    candidate = chain[-min(proxies, len(chain))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


def log_event(event: str, *, request=None, level: int = logging.INFO, **fields) -> None:
    user = getattr(request, "user", None)
    signed_in = user.get_username() if user is not None and user.is_authenticated else None
    context = {
        "user": fields.pop("user", None) or signed_in,
        "ip": client_address(request),
        "path": request.path if request is not None else None,
        **fields,
    }
    logger.log(level, event, extra={"security": context})


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    log_event("sign_in", request=request, user=user.get_username())


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    log_event("sign_out", request=request, user=user.get_username() if user else None)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    log_event("sign_in_failed", request=request, level=logging.WARNING, user=credentials.get("username"))


def _connect_axes() -> None:
    from axes.signals import user_locked_out

    @receiver(user_locked_out, weak=False)
    def _locked_out(sender, request, username, ip_address, **kwargs):
        log_event("lockout", request=request, level=logging.WARNING, user=username, ip=ip_address)


_connect_axes()


WATCHED_FIELDS = ("weight", "tier_advanced", "tier_intermediate", "status")


def _connect_history() -> None:
    """Questionnaire changes (weights, thresholds, publication) as security events, with the old
    and the new value, from the history rows django-simple-history writes."""
    from simple_history.signals import post_create_historical_record

    @receiver(post_create_historical_record, weak=False)
    def _framework_changed(sender, instance, history_instance, history_user=None, **kwargs):
        # A new row has nothing to compare with, and a level descriptor no watched field: both return
        # before `prev_record`, a query per history row (thousands when a version is loaded or copied).
        if (instance._meta.app_label != "frameworks" or history_instance.history_type == "+"
                or not any(hasattr(instance, field) for field in WATCHED_FIELDS)):
            return
        previous = history_instance.prev_record
        for field in WATCHED_FIELDS:
            if not hasattr(instance, field):
                continue
            old = getattr(previous, field, None) if previous is not None else None
            new = getattr(instance, field)
            if previous is not None and old != new:
                log_event(f"{field}_change", user=getattr(history_user, "username", None),
                          model=instance._meta.model_name, object=str(instance), old=old, new=new)


_connect_history()
