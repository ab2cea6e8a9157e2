"""allauth's mails (sign-up confirmation, password reset…) carry the same headers as every other
mail of the portal (``machida_portal.mail``): a Message-ID on the site's domain, the date in
Japan time, ``Auto-Submitted: auto-generated``."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMessage

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
