"""Project-wide middleware: a database outage answers a clean 503 page instead of a 500 and a
traceback; pages with a person's data are never kept by the browser."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response() -> HttpResponse:
    # Drop broken connections so the next request opens a fresh one: the portal recovers by
    # itself once the server is back.
    for conn in connections.all(initialized_only=True):
        try:
            conn.close_if_unusable_or_obsolete()
            if conn.connection is not None and not conn.is_usable():
                conn.close()
        except DATABASE_ERRORS:
            conn.connection = None
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning("database unavailable: %s", str(exception).splitlines()[0:1])
        return database_unavailable_response()


# URL namespaces whose every page is a case record or operates on them (decision 0501).
PRIVATE_NAMESPACES = frozenset({"consultations", "admin"})


class PrivatePagesNoStoreMiddleware:
    """``Cache-Control: no-store`` on case pages and on every page rendered for a signed-in
    person (issue #11): a shared counter PC's back button must not show a case, a profile or
    a resident's contact details after the idle sign-out.

    Case namespaces are marked whoever asks and whatever the view said; a signed-in person's
    other pages only when the view set no caching of its own. Anonymous public pages keep
    theirs, and a request without a session cookie is not made to load a session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_case_page(request) or (
            not response.has_header("Cache-Control") and _signed_in(request)
        ):
            _no_store(response)
        return response


def _is_case_page(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and bool(PRIVATE_NAMESPACES.intersection(match.namespaces[:1]))


def _signed_in(request: HttpRequest) -> bool:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _no_store(response: HttpResponse) -> None:
    if response.has_header("Cache-Control"):
        del response["Cache-Control"]
    add_never_cache_headers(response)
    response["Pragma"] = "no-cache"
