"""Error pages rendered without the database."""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger("sodpa.availability")

UNAVAILABLE_MARKERS = ("could not connect", "connection refused", "unable to open database", "server closed",
                       "connection timeout", "timeout expired", "the database system is", "no such file",
                       "connection is bad", "terminating connection")


def database_unavailable(error: BaseException | None) -> bool:
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    text = str(error).lower()
    return isinstance(error, InterfaceError) or any(marker in text for marker in UNAVAILABLE_MARKERS)


def server_error(request):
    """handler500: a database that cannot be reached gets a clean 503 with Retry-After (the next
    request tries again, so pages work as soon as it is back); anything else the plain 500 page."""
    error = sys.exc_info()[1]
    if database_unavailable(error):
        logger.error("database unavailable: %s", error)
        for connection in connections.all():
            connection.close()  # reconnect on the next request
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render({}))
