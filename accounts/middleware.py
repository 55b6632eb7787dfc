"""Session lifetime: idle expiry comes from SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST;
this adds the absolute limit, SESSION_ABSOLUTE_LIFETIME after the session's first signed-in
request, whatever the activity."""

import time

from django.conf import settings
from django.contrib.auth import logout

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
