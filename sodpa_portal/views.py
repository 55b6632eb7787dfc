"""Error pages rendered without the database.

A database error — by its class, whatever its message: Django's OperationalError / InterfaceError
(which wrap the driver's), the drivers' own (sqlite3, psycopg) — means the database is out of reach,
down, or locked past the busy timeout: a 503 with Retry-After, as JSON `{"detail": …}` under /api/
and the 503 page elsewhere. Anything else is a 500, JSON under /api/ too."""

import logging
import sqlite3
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("sodpa.availability")

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30


def _driver_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sqlite3.OperationalError, sqlite3.InterfaceError]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite-only installs work too
        return tuple(errors)
    return (*errors, psycopg.OperationalError, psycopg.InterfaceError)


DATABASE_UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, *_driver_errors())


def database_unavailable(error: BaseException | None) -> bool:
    """True when the error, or one it was raised from, is a database operational/interface error."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DATABASE_UNAVAILABLE_ERRORS):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _is_api(request) -> bool:
    return request is not None and request.path.startswith(API_PREFIX)


def _unavailable(request, error: BaseException) -> HttpResponse:
    logger.error("database unavailable: %s: %s", type(error).__name__, error)
    for connection in connections.all():
        connection.close()  # reconnect on the next request
    response: HttpResponse
    if _is_api(request):
        response = JsonResponse({"detail": _("The service is temporarily unavailable. Please try again shortly.")},
                                status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception):
    """handler400: a session that could not be saved because the database is locked or gone is
    Django's SessionInterrupted (a 400) raised from the database error: that is a 503 too."""
    if database_unavailable(exception):
        return _unavailable(request, exception)
    return defaults.bad_request(request, exception)


def server_error(request):
    """handler500: a database that cannot be reached gets a clean 503 with Retry-After (the next
    request tries again, so pages work as soon as it is back); anything else the plain 500 page."""
    error = sys.exc_info()[1]
    if error is not None and database_unavailable(error):
        return _unavailable(request, error)
    if _is_api(request):
        return JsonResponse({"detail": _("Internal server error.")}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render({}))
