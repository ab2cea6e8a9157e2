"""The admin sits behind the portal's own door (issue #11, finding 1).

``/admin/login/`` hands over to allauth's sign-in, so the second factor and allauth's rate
limits hold for the admin too; the staff MFA rule covers anyone the admin lets in.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.urls import reverse

from directory.demo import DEMO_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_EMAIL = "admin@example.jp"


@pytest.fixture
def admin_with_totp(settings: Any, demo: Any) -> tuple[Any, str]:
    settings.REQUIRE_STAFF_MFA = True
    user = demo.users[ADMIN_EMAIL]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_admin_login_with_password_only_does_not_sign_in(
    admin_with_totp: tuple[Any, str], client: Any
) -> None:
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": ADMIN_EMAIL, "password": DEMO_PASSWORD, "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_login_page_hands_over_to_the_portal_sign_in(client: Any) -> None:
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_admin_sign_in_asks_for_the_second_factor_then_opens_the_admin(
    admin_with_totp: tuple[Any, str], client: Any
) -> None:
    _, secret = admin_with_totp
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": ADMIN_EMAIL, "password": DEMO_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_is_rate_limited_like_the_portal_sign_in(
    admin_with_totp: tuple[Any, str], settings: Any, client: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    cache.clear()
    try:
        for _ in range(15):
            client.post(reverse("admin:login"), {"username": ADMIN_EMAIL, "password": "wrong"})
        client.post(reverse("admin:login"), {"username": ADMIN_EMAIL, "password": DEMO_PASSWORD})
        assert "_auth_user_id" not in client.session
        for _ in range(3):
            client.post(reverse("account_login"), {"login": ADMIN_EMAIL, "password": "wrong"})
        response = client.post(
            reverse("account_login"), {"login": ADMIN_EMAIL, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200  # refused with a message, not sent to MFA
        assert "_auth_user_id" not in client.session
    finally:
        cache.clear()


def test_signed_in_non_staff_cannot_open_the_admin_login(client: Any, demo: Any) -> None:
    client.force_login(demo.users["resident@example.jp"])
    assert client.get(reverse("admin:login")).status_code == 403


def test_admin_staff_flag_alone_still_needs_totp(settings: Any, client: Any) -> None:
    """``is_staff`` opens the admin even without a portal role: the MFA rule covers it."""
    settings.REQUIRE_STAFF_MFA = True
    user = UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("admin:index")).status_code == 200


def test_superuser_without_totp_is_sent_to_set_it_up_before_the_admin(
    settings: Any, client: Any, demo: Any
) -> None:
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(demo.users[ADMIN_EMAIL])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
