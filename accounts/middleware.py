"""Staff must have two-factor authentication before they can work (``REQUIRE_STAFF_MFA``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import user_cache
from .capabilities import is_staff_member
from .roles import totp_key

# Pages a staff member without TOTP may still reach: signing in and out, setting up TOTP,
# switching language, static files and the health check.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/favicon.ico", "/jsi18n/")


TOTP_CACHE_SECONDS = 300


def has_totp(user: Any) -> bool:
    """Whether the user has an authenticator app set up. Only a yes is cached (a staff page
    would otherwise ask the database on every request); removing the authenticator drops it
    at once (``totp_changed``, connected in ``accounts.apps``). The cached yes is read with the
    roles, in the same round trip (``accounts.user_cache``)."""
    if user_cache.cached(user, "totp"):
        return True
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if found:
        cache.set(totp_key(user.pk), True, TOTP_CACHE_SECONDS)
    return found


def totp_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    cache.delete(totp_key(instance.user_id))


def works_as_staff(user: Any) -> bool:
    """A staff role in the portal, or the ``is_staff`` flag that opens the Django admin: both
    reach other people's data, so both need the second factor and the idle timeout."""
    return bool(getattr(user, "is_staff", False)) or is_staff_member(user)


class StaffMFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REQUIRE_STAFF_MFA
            and request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and works_as_staff(request.user)
            and not has_totp(request.user)
        ):
            messages.warning(
                request,
                _("職員の方は、二段階認証（認証アプリ）を設定してからご利用ください。"),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after ``STAFF_IDLE_TIMEOUT_SECONDS`` without a request (30 minutes).

    Case records are on screen in staff sessions; a counter PC left signed in must not stay
    open. Residents keep the ordinary session length. The last-activity time is written at
    most once a minute, so most requests do not rewrite the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and works_as_staff(request.user):
            now = int(time.time())
            last = request.session.get(_LAST_SEEN_KEY)
            timeout = int(getattr(settings, "STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60))
            if last is not None and now - int(last) > timeout:
                logout(request)
                messages.info(
                    request,
                    _(
                        "しばらく操作がなかったため、安全のためログアウトしました。もう一度ログインしてください。"
                    ),
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - int(last) >= 60:
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)


_LAST_SEEN_KEY = "staff_last_seen"
