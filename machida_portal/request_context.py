"""What the current request is, for code far from the view (decision 0012).

The access log records the page a read or change came from. Rather than pass the path from
every view through every service, ``RequestContextMiddleware`` keeps it in a context variable
for the length of the request; ``current_path()`` reads it. Outside a request (a Celery task,
a management command) it is empty.

Only the path is kept, never the query string: a name search's ``q=`` must not end up in the
log of who read what.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_path: ContextVar[str] = ContextVar("portal_request_path", default="")


def current_path() -> str:
    return _path.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _path.set(request.path[:300])
        try:
            return self.get_response(request)
        finally:
            _path.reset(token)
