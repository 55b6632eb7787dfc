"""Fixed-window rate limits in the shared cache (a database table, so every worker and app server
counts together): `allow` counts one more event for a key and says whether it is still within the
limit; `exceeded` only looks."""

import hashlib

from django.core.cache import caches


def _cache():
    return caches["shared"]


def _key(scope: str, identity: str) -> str:
    return f"ratelimit:{scope}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"


def exceeded(*, scope: str, identity: str | None, limit: tuple[int, int]) -> bool:
    """True when `identity` has already used up `limit` = (allowed, seconds) in this window."""
    allowed, _seconds = limit
    if identity is None or allowed <= 0:
        return False
    return (_cache().get(_key(scope, identity)) or 0) >= allowed


def count(*, scope: str, identity: str | None, limit: tuple[int, int]) -> int:
    """Count one event for `identity`; returns the number in the current window."""
    allowed, seconds = limit
    if identity is None or allowed <= 0:
        return 0
    cache, key = _cache(), _key(scope, identity)
    cache.add(key, 0, timeout=seconds)  # the window starts with its first event
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


def allow(*, scope: str, identity: str | None, limit: tuple[int, int]) -> bool:
    """Count one event; False when it is beyond the limit."""
    allowed, _seconds = limit
    return allowed <= 0 or identity is None or count(scope=scope, identity=identity, limit=limit) <= allowed
