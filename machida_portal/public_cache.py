"""Whole-page caching for anonymous visitors on public pages, with explicit invalidation.

Public pages (home, the idea board, the calendar, the resource directory, open data) are read
far more often than they change, and mostly by people who are not signed in. A view wrapped
in ``@cache_public_page("ideas")`` serves an anonymous GET from the cache; any service that
changes what such a page shows calls ``pages_changed("ideas")`` after its write, which makes
every cached page of that scope stale once the write commits. A short timeout bounds
staleness for anything a bump misses (time passing: "upcoming" sessions).

Never cached: signed-in users, non-GET requests, pages that issued a CSRF token or set a
cookie, requests carrying flash messages, and anything but a 200.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language


def scope_version(scope: str) -> str:
    """The current generation of a scope: part of every cache key that must go stale when
    the scope's data changes (whole pages here, fragments through ``{% scope_version %}``)."""
    key = f"pagever:{scope}"
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex[:12]
        cache.add(key, version, None)
        version = cache.get(key) or version
    return str(version)


# Every scope in use; a new ``cache_public_page``/``scope_version`` scope is added here.
SCOPES = ("directory", "home", "ideas", "sessions", "indicators")


def scope_versions(*scopes: str) -> str:
    """The generations of several scopes, read in one round trip, joined for a cache key."""
    keys = [f"pagever:{scope}" for scope in scopes]
    found = cache.get_many(keys)
    return ":".join(
        str(found[key]) if key in found else scope_version(scope)
        for scope, key in zip(scopes, keys, strict=True)
    )


def public_cache_bump(*scopes: str) -> None:
    for scope in scopes:
        cache.set(f"pagever:{scope}", uuid.uuid4().hex[:12], None)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def cache_public_page(scope: str, timeout: int = 120) -> Callable[[Any], Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
            key = f"page:{scope}:{get_language()}:{digest}"
            # One round trip for the scope's generation and the page; the page carries the
            # generation it was rendered under and counts only while that is still current.
            version_key = f"pagever:{scope}"
            got = cache.get_many([version_key, key])
            version = got.get(version_key) or scope_version(scope)
            hit = got.get(key)
            if hit is not None and hit.get("v") == version:
                response = HttpResponse(hit["content"], content_type=hit["content_type"])
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                # get_token() sets this: the page holds a CSRF token, which must not be shared.
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                cache.set(
                    key,
                    {
                        "v": version,
                        "content": response.content,
                        "content_type": response["Content-Type"],
                    },
                    timeout,
                )
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator


def pages_changed(*scopes: str) -> None:
    """The one way to make cached pages stale (decision 0012). Call it in the service, after
    the write and inside its transaction, if any.

    The scopes are bumped once the transaction commits (at once when none is open: the write
    has then already committed), never before: a visitor in between would cache the old page
    under the new generation. They are bumped a second time ``PAGE_REBUMP_SECONDS`` later,
    because a page may read its data before the commit and the generation for a fragment
    (``{% scope_version %}``) after the first bump; the second bump makes such a page stale
    too.
    """
    from django.db import transaction

    transaction.on_commit(lambda: _bump_twice(scopes))


def _bump_twice(scopes: tuple[str, ...]) -> None:
    public_cache_bump(*scopes)
    delay = float(getattr(settings, "PAGE_REBUMP_SECONDS", 2.0))
    if delay <= 0:
        public_cache_bump(*scopes)
        return
    _rebump_later(scopes, delay)


# The second bumps waiting in this process: scope → when it is due. One timer thread serves
# them all, so a busy minute of writes is not a thread per write; a scope written again
# before its second bump is due has that bump moved later (always ``delay`` after its last
# write).
_due: dict[str, float] = {}
_due_lock = threading.Lock()
_timer: threading.Timer | None = None


def _rebump_later(scopes: tuple[str, ...], delay: float) -> None:
    global _timer
    with _due_lock:
        at = time.monotonic() + delay
        for scope in scopes:
            _due[scope] = at
        if _timer is None:
            _timer = threading.Timer(delay, _rebump_due)
            _timer.daemon = True
            _timer.start()


def _rebump_due() -> None:
    global _timer
    with _due_lock:
        now = time.monotonic()
        ready = [scope for scope, at in _due.items() if at <= now]
        for scope in ready:
            del _due[scope]
        _timer = None
        if _due:
            _timer = threading.Timer(max(0.0, min(_due.values()) - now), _rebump_due)
            _timer.daemon = True
            _timer.start()
    if ready:
        public_cache_bump(*ready)


def bump_when_saved(model: type[Any], *scopes: str) -> None:
    """Any save or delete of ``model`` (the admin's included) bumps ``scopes`` after commit.
    ``bulk_create``/``bulk_update``/``update()`` send no signals: code using them calls
    ``pages_changed`` itself."""
    from django.db.models.signals import post_delete, post_save

    def receiver(**kwargs: Any) -> None:
        pages_changed(*scopes)

    uid = f"bump:{model._meta.label}:{','.join(scopes)}"
    post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete", weak=False)
