from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_on(settings: Any) -> None:
    settings.REQUIRE_STAFF_MFA = True


@pytest.mark.parametrize("role", ["coordinator", "staff_elderly", "cwc", "city", "admin"])
def test_staff_without_totp_are_sent_to_set_it_up(
    mfa_on: None, role_users: dict[str, Any], client: Any, role: str
) -> None:
    client.force_login(role_users[role])
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", ["resident", "member"])
def test_residents_and_members_need_no_totp(
    mfa_on: None, role_users: dict[str, Any], client: Any, role: str
) -> None:
    client.force_login(role_users[role])
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_staff_with_totp_may_work(mfa_on: None, role_users: dict[str, Any], client: Any) -> None:
    user = role_users["coordinator"]
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_removing_the_authenticator_takes_effect_on_the_next_request(
    mfa_on: None, role_users: dict[str, Any], client: Any
) -> None:
    """The yes is cached between requests; deleting the authenticator drops it at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = role_users["coordinator"]
    totp = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(user)
    url = reverse("accounts:profile")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not any("mfa_authenticator" in q["sql"] for q in queries.captured_queries)
    totp.delete()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_the_roles_the_cached_totp_and_the_unread_count_are_read_in_one_round_trip(
    mfa_on: None, role_users: dict[str, Any], client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A staff page asks the cache once for its per-person entries (``accounts.user_cache``);
    the yes still ends the moment the authenticator goes."""
    from django.core.cache import cache

    user = role_users["coordinator"]
    totp = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(user)
    url = reverse("accounts:profile")
    assert client.get(url).status_code == 200  # caches the roles and the yes
    asked: list[tuple[str, str]] = []
    inside_get_many = False
    real_get, real_get_many = cache.get, cache.get_many

    def get(key: str, *args: Any, **kwargs: Any) -> Any:
        if not inside_get_many:  # the test cache's get_many calls get for each key
            asked.append(("get", key))
        return real_get(key, *args, **kwargs)

    def get_many(keys: list[str], *args: Any, **kwargs: Any) -> Any:
        nonlocal inside_get_many
        asked.extend(("get_many", key) for key in keys)
        inside_get_many = True
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many = False

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)
    assert client.get(url).status_code == 200
    for entry in ("totp", "roles", "unread"):
        reads = [how for how, key in asked if key == f"{entry}:v1:{user.pk}"]
        assert reads == ["get_many"], (entry, asked)  # once, never a round trip of its own
    totp.delete()
    assert client.get(url).status_code == 302


def test_staff_may_still_reach_the_sign_out_and_setup_pages(
    mfa_on: None, role_users: dict[str, Any], client: Any
) -> None:
    client.force_login(role_users["city"])
    assert client.get(reverse("mfa_index")).status_code == 200


def test_staff_session_ends_after_idle_timeout(
    settings: Any, role_users: dict[str, Any], client: Any, monkeypatch: Any
) -> None:
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 1800
    client.force_login(role_users["staff_elderly"])
    clock = [1_000_000.0]
    monkeypatch.setattr("accounts.middleware.time.time", lambda: clock[0])
    assert client.get(reverse("accounts:profile")).status_code == 200
    clock[0] += 1700
    assert client.get(reverse("accounts:profile")).status_code == 200  # still active
    clock[0] += 1801
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("accounts:profile")).status_code == 302  # signed out for real


def test_resident_session_has_no_staff_idle_timeout(
    role_users: dict[str, Any], client: Any, monkeypatch: Any
) -> None:
    client.force_login(role_users["resident"])
    clock = [1_000_000.0]
    monkeypatch.setattr("accounts.middleware.time.time", lambda: clock[0])
    client.get(reverse("accounts:profile"))
    clock[0] += 7200
    assert client.get(reverse("accounts:profile")).status_code == 200
