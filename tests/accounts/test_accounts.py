from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_sign_up_needs_email_verification_before_sign_in(client: Any) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.jp",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.jp").exists()
    assert any("new@example.jp" in m.to for m in mail.outbox)
    response = client.post(
        reverse("account_login"), {"login": "new@example.jp", "password": "a-long-passphrase-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_signup_page_is_in_japanese(client: Any) -> None:
    body = client.get(reverse("account_signup")).content.decode()
    assert 'lang="ja"' in body and "パスワード" in body


def test_password_reset_sends_mail(client: Any, demo: Any) -> None:
    client.post(reverse("account_reset_password"), {"email": "resident@example.jp"})
    assert any("resident@example.jp" in m.to for m in mail.outbox)


def test_failed_logins_are_rate_limited(settings: Any, client: Any, demo: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    cache.clear()
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "resident@example.jp", "password": "wrong"})
    # Even the right password is refused now, with a message, until the window passes.
    response = client.post(
        reverse("account_login"),
        {"login": "resident@example.jp", "password": "machida-demo-2026"},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_profile_keeps_display_name_apart_from_real_name(client: Any, demo: Any) -> None:
    user = demo.users["resident@example.jp"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "みどり",
            "full_name": "山田 花子",
            "full_name_kana": "やまだ はなこ",
            "phone": "",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.public_name == "みどり" and user.full_name == "山田 花子"


def test_over_long_display_name_is_refused_and_nothing_changes(client: Any, demo: Any) -> None:
    user = demo.users["resident@example.jp"]
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "あ" * 51})
    assert response.status_code == 200
    assert "50" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "やまびこ"


def test_display_name_with_markup_is_escaped(client: Any, demo: Any) -> None:
    user = demo.users["resident@example.jp"]
    user.display_name = "<script>alert(1)</script>"
    user.save()
    client.force_login(user)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_demo_user_signs_in_with_the_demo_password(client: Any, demo: Any) -> None:
    # The control for the rate-limit test above: without failures, this password works.
    response = client.post(
        reverse("account_login"),
        {"login": "resident@example.jp", "password": "machida-demo-2026"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
