"""Turns a database outage into a clean 503 page instead of a 500 and a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("database unavailable: %s", str(exception).splitlines()[0:1])
        # Drop the broken connection so the next request opens a fresh one: the portal
        # recovers by itself once the server is back.
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
            if conn.connection is not None and not conn.is_usable():
                conn.close()
        body = render_to_string("503.html", request=None)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
