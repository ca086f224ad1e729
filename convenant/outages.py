"""Answers while the database cannot be reached.

When PostgreSQL restarts or goes away, the query that finds out raises OperationalError
(or InterfaceError, on a connection that was closed under it). That may happen in a
view, but also in a middleware before any view runs: the session of a signed-in person
is read by the idle-timeout middleware. Django turns an exception anywhere in the
middleware chain into the response of the 500 handler, so the handler is the one place
that sees them all: it answers those two with a 503 page that says to try again
shortly, and Retry-After. Every other error keeps its 500 page.

Nothing here needs the database: the page is rendered without the request's context
(no menu, no signed-in person). Django closes a connection that raised at the end of
the request, and checks a kept connection before its first use in the next request
(CONN_MAX_AGE with conn_health_checks, settings.py), so the site recovers by itself
once the database is back.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_UNAVAILABLE)


def unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler (convenant/urls.py): a 503 while the database is away."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request)
