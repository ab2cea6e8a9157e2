"""With Redis gone, the portal keeps serving: sessions, sign-in, pages and submissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db

DOWN = {
    "default": {
        "BACKEND": "machida_portal.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = DOWN
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/m/ip"}
    caches._settings = None  # type: ignore[attr-defined]
    caches.__init__()  # type: ignore[misc]


def test_sign_in_and_pages_work_with_redis_down(redis_down: None, client: Any, demo: Any) -> None:
    response = client.post(
        reverse("account_login"),
        {"login": "resident@example.jp", "password": "machida-demo-2026"},
    )
    assert response.status_code == 302
    for url in ["/", reverse("accounts:profile"), reverse("reminders:notification_list")]:
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("accounts:profile"), {"display_name": "あおぞら"})
    assert response.status_code == 302
    demo.users["resident@example.jp"].refresh_from_db()
    assert demo.users["resident@example.jp"].display_name == "あおぞら"


def test_resilient_cache_works_normally_with_redis_up(redis_url: str, settings: Any) -> None:
    from machida_portal.cache import ResilientRedisCache

    cache = ResilientRedisCache(redis_url, {"KEY_PREFIX": "test-resilient"})
    cache.set("k", "v", 10)
    assert cache.get("k") == "v"
    cache.delete("k")
    assert cache.get("k") is None


def test_the_redis_cache_reuses_one_client_per_pool() -> None:
    """Django builds a client per cache call; ours keeps one (no connection is opened here)."""
    from machida_portal.cache import ResilientRedisCache

    backend = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    first = backend._cache.get_client("a")
    assert backend._cache.get_client("b") is first
    assert backend._cache.get_client("c", write=True) is first
