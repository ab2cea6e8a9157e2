"""Staff must have two-factor authentication before they can work (``REQUIRE_STAFF_MFA``)."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import is_staff_member

# Pages a staff member without TOTP may still reach: signing in and out, setting up TOTP,
# switching language, static files and the health check.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/favicon.ico", "/jsi18n/")


class StaffMFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REQUIRE_STAFF_MFA
            and request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and is_staff_member(request.user)
            and not Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            messages.warning(
                request,
                _("職員の方は、二段階認証（認証アプリ）を設定してからご利用ください。"),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
