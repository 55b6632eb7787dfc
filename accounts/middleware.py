"""Session lifetime: idle expiry comes from SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST;
this adds the absolute limit, SESSION_ABSOLUTE_LIFETIME after the session's first signed-in
request, whatever the activity. And API answers are never stored by browsers or proxies."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"

SIGNED_IN_AT = "signed_in_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds():
                logout(request)  # flushes the session: the next page asks to sign in again
        return self.get_response(request)


class PrivateApiMiddleware:
    """Every /api/ answer gets `Cache-Control: …, no-store, private` (a tenant's data must not stay
    in a shared cache or on a shared computer's disk), as the results, report and export pages do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            add_never_cache_headers(response)
        return response
