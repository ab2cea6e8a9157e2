from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from accounts.nav import role_cards
from machida_portal.public_cache import cache_public_page
from machida_portal.today import has_today_page, today_lines


@require_GET
def switch_language(request: HttpRequest) -> HttpResponse:
    """The language switch is a plain link, so public pages carry no CSRF token and can be
    cached. Changing the UI language is not a state change worth forging."""
    language = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


@cache_public_page("home", timeout=300)
def home(request: HttpRequest) -> HttpResponse:
    """The portal's home; for staff, the "today" page (今日の仕事): what needs them now, as
    counts that link to their lists, above their role cards."""
    cards = role_cards(request.user)
    if has_today_page(request.user):
        lines = today_lines(request.user)
        return render(
            request,
            "today.html",
            {
                "cards": cards,
                "lines": lines,
                "nothing_today": not any(line.total for line in lines),
                "today": timezone.localdate(),
            },
        )
    return render(request, "home.html", {"cards": cards})


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseBase:
    path = finders.find("img/favicon.ico")
    if not path:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


def _check_database() -> dict[str, Any]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": str(exc).splitlines()[0] if str(exc) else repr(exc)}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_broker() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager"}
    import redis

    started = time.monotonic()
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        client.ping()
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": str(exc)[:200]}
    return {"ok": True, "mode": "redis", "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_reminders() -> dict[str, Any]:
    from reminders.selectors import reminder_backlog, reminders_given_up, reminders_retrying

    try:
        backlog = reminder_backlog()
        oldest = backlog.order_by("due_at").values_list("due_at", flat=True).first()
        return {
            "due": backlog.count(),
            "oldest_due_seconds": (int((timezone.now() - oldest).total_seconds()) if oldest else 0),
            # Failed once or more and waiting for another try; failed too often and given up
            # (each with its error in the admin).
            "retrying": reminders_retrying().count(),
            "failed": reminders_given_up().count(),
        }
    except Exception as exc:
        return {"error": str(exc).splitlines()[0] if str(exc) else repr(exc)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the portal can serve and store); 503 when it cannot.

    A broker outage is reported but is not fatal: submissions are stored and reminders wait.
    """
    database = _check_database()
    broker = _check_broker()
    body: dict[str, Any] = {
        "status": "ok" if database["ok"] else "unavailable",
        "database": database,
        "broker": broker,
        "reminders": _check_reminders() if database["ok"] else None,
    }
    if database["ok"] and not broker["ok"]:
        body["status"] = "degraded"
    return JsonResponse(body, status=200 if database["ok"] else 503)


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's anonymous baseline: no session, no query, a tiny response."""
    return HttpResponse("ok", content_type="text/plain")


def bench_bare_auth(request: HttpRequest) -> HttpResponse:
    """The benchmark's signed-in baseline: the session and the user are loaded, nothing else."""
    if not request.user.is_authenticated:
        return HttpResponse("not signed in", status=401, content_type="text/plain")
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the database may be the reason we are in this view.
    import sys

    from django.template.loader import render_to_string

    from .middleware import DATABASE_ERRORS, database_unavailable_response

    # A database outage raised outside a view (loading the session's user in a middleware)
    # arrives here: it is a 503 like any other, not a 500.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable_response()
    return HttpResponse(render_to_string("500.html"), status=500)
