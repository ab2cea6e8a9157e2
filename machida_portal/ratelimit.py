"""Rate limits for the portal's own submissions (ideas, registrations), in the style of
allauth's (which guard sign-in, sign-up and password reset).

``@rate_limit("idea_submit", "10/m", "60/h")`` counts POSTs per signed-in user (or per IP
for visitors) in fixed windows kept in the cache; over the limit the person gets a 429 page
in their language and nothing is stored. When the cache is unavailable the limit fails open
(see docs/decisions/0007): a Redis outage must not stop residents from submitting.
``RATE_LIMITS_ENABLED=false`` turns them off (the soak test's 1,000 submissions).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse(rate: str) -> tuple[int, int]:
    count, unit = rate.split("/")
    return int(count), _UNITS[unit]


def _who(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    return "ip" + (request.META.get("REMOTE_ADDR") or "unknown")


def over_limit(request: HttpRequest, action: str, *rates: str) -> bool:
    if not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return False
    now = int(time.time())
    for rate in rates:
        count, seconds = _parse(rate)
        key = f"rl:{action}:{_who(request)}:{seconds}:{now // seconds}"
        cache.add(key, 0, seconds + 5)
        try:
            used = cache.incr(key)
        except ValueError:  # the cache is unavailable: fail open
            continue
        if used > count:
            return True
    return False


def rate_limit(action: str, *rates: str) -> Callable[[Any], Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and over_limit(request, action, *rates):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
