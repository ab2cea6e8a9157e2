"""Issue 14: allauth's mails (sign-up, password reset) read back with Python's strict mail policy
carry the portal's headers: a Message-ID on the site's domain, the date in Japan time,
``Auto-Submitted: auto-generated``."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _strict(address: str) -> Any:
    (sent,) = [m for m in mail.outbox if address in m.to]
    msg = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.strict)
    assert not msg.defects
    return msg


def _assert_headers(msg: Any) -> None:
    assert str(msg["Message-ID"]).strip().endswith("@portal.example.jp>")
    assert msg["Date"].endswith("+0900"), msg["Date"]
    assert abs(parsedate_to_datetime(msg["Date"]) - timezone.now()) < timedelta(minutes=2)
    assert msg["Auto-Submitted"] == "auto-generated"


def test_sign_up_mail_headers(client: Any, settings: Any) -> None:
    settings.SITE_URL = "https://portal.example.jp"
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.jp",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    _assert_headers(_strict("new@example.jp"))


def test_password_reset_mail_headers(client: Any, demo: Any, settings: Any) -> None:
    settings.SITE_URL = "https://portal.example.jp"
    client.post(reverse("account_reset_password"), {"email": "resident@example.jp"})
    _assert_headers(_strict("resident@example.jp"))
