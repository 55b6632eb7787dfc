"""How API callers prove who they are.

- `Authorization: Bearer <token>` with a personal token from /accounts/tokens/ (api.models.ApiToken);
- or, for GETs from a signed-in browser (the docs page's "Try it out"), the session cookie.

A request that presents an Authorization header is judged by it alone: a wrong or revoked token is
refused with 401 even if the same browser also has a session. Deactivated users' tokens and
sessions do not work; an expired token, or one issued before its owner's password changed, is
refused with a 401 that says so (`code` "token_expired" or "token_password_changed"). What the
caller may then see is decided by assessments.access, as for pages.
"""

import logging

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from accounts.security import log_event
from api.models import ApiToken, TokenCheck


class TokenNoLongerValid(AuthenticationError):
    """A token that was valid once: expired, or issued before its owner's password changed."""

    def __init__(self, outcome: str):
        super().__init__()
        self.outcome = outcome


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        verdict = ApiToken.objects.verdict(token.strip())
        if verdict.outcome != TokenCheck.VALID:
            log_event("api_token_refused", request=request, level=logging.WARNING, reason=verdict.outcome)
            if verdict.outcome in (TokenCheck.EXPIRED, TokenCheck.PASSWORD_CHANGED):
                raise TokenNoLongerValid(verdict.outcome)
            return None
        request.user = verdict.user  # type: ignore[assignment]  # the rest of the request (logs, scope) sees the token's owner
        return verdict.user


class BrowserSession(SessionAuth):
    """Django's session (CSRF-checked by ninja for unsafe methods; the API has only GETs)."""

    def authenticate(self, request: HttpRequest, key):
        if "authorization" in request.headers:
            return None
        user = request.user
        return user if user.is_authenticated and user.is_active else None


API_AUTH = [BearerToken(), BrowserSession()]
