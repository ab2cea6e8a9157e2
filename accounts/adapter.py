"""allauth's mails (sign-up confirmation, password reset…) carry the same headers as every other
mail of the portal (``machida_portal.mail``): a Message-ID on the site's domain, the date in
Japan time, ``Auto-Submitted: auto-generated``.

Sign in with LINE (issue 15) goes through allauth's LINE provider; ``SocialAccountAdapter`` below
switches it on and off with the channel's settings."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.mail import EmailMessage
from django.http import Http404, HttpRequest

from machida_portal.mail import standard_headers


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        return super().render_mail(
            template_prefix, email, context, headers={**standard_headers(), **(headers or {})}
        )


def line_login_enabled() -> bool:
    """Sign in with LINE is on only when both of the LINE Login channel's values are set. They
    are read each time (``override_settings`` and a changed setting take effect)."""
    return bool(
        getattr(settings, "LINE_LOGIN_CHANNEL_ID", "")
        and getattr(settings, "LINE_LOGIN_CHANNEL_SECRET", "")
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The only third-party sign-in is LINE, and its app comes from the settings
    ``LINE_LOGIN_CHANNEL_ID`` / ``LINE_LOGIN_CHANNEL_SECRET`` at the moment allauth asks — never
    from ``SocialApp`` rows in the database. Without both values there is no app: allauth shows
    no LINE button and its LINE URLs answer 404."""

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        if not line_login_enabled() or provider not in (None, "line"):
            return []
        app = SocialApp(
            provider="line",
            name="LINE",
            client_id=settings.LINE_LOGIN_CHANNEL_ID,
            secret=settings.LINE_LOGIN_CHANNEL_SECRET,
        )
        if client_id and client_id != app.client_id:
            return []
        return [app]

    def get_app(
        self, request: HttpRequest | None, provider: str, client_id: str | None = None
    ) -> SocialApp:
        try:
            return super().get_app(request, provider, client_id=client_id)  # type: ignore[no-any-return]
        except SocialApp.DoesNotExist:
            # LINE switched off (or another provider's URL): the page does not exist.
            raise Http404 from None
