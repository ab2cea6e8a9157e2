"""Shared fixtures: the demo users, service checks, and the REQUIRE_SERVICES switch."""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def service_missing(reason: str) -> None:
    """Skip a test whose service is missing — or fail it, when CI says every service is up."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache (page cache, rate limits)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts and ends in the site's language: a request in English (or a test that
    activates it) would otherwise leave English active in this thread for the next test, and
    a Japanese-only assertion there would pass or fail by test order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("REDIS_URL is not set")
    if not port_open(url, 6379):
        service_missing(f"Redis at {url} does not answer")
    return url


@pytest.fixture
def postgres(settings) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    if connection.vendor != "postgresql":
        service_missing("this test needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    """The demo organizations and one user per role, as ``seed_demo`` makes them."""
    from directory.demo import DemoContext, seed

    ctx = DemoContext(scale="small", seed=2026, out=io.StringIO())
    seed(ctx)
    return ctx


@pytest.fixture
def role_users(demo):  # type: ignore[no-untyped-def]
    """Users by role name, plus staff of an agency that is party to nothing."""
    from directory.models import Organization, Role
    from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

    other_agency = OrganizationFactory(
        name="無関係の相談機関", kind=Organization.Kind.CONSULTATION_AGENCY
    )
    other = UserFactory(email="staff.other@example.jp")
    MembershipFactory(user=other, organization=other_agency, role=Role.CONSULTATION_STAFF)
    users = {
        "resident": demo.users["resident@example.jp"],
        "member": demo.users["member@example.jp"],
        "coordinator": demo.users["coordinator@example.jp"],
        "staff_elderly": demo.users["staff.elderly@example.jp"],
        "staff_disability": demo.users["staff.disability@example.jp"],
        "staff_other": other,
        "cwc": demo.users["cwc@example.jp"],
        "city": demo.users["city@example.jp"],
        "admin": demo.users["admin@example.jp"],
    }
    return users


@pytest.fixture
def mailoutbox_clear() -> Iterator[None]:
    from django.core import mail

    mail.outbox = []
    yield
    mail.outbox = []


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every attempt to decode pixels (Pillow reads headers lazily, pixels on load)."""
    from PIL import ImageFile

    loads: list[str] = []
    real_load = ImageFile.ImageFile.load

    def spy(self: Any) -> Any:
        loads.append(f"{self.format} {self.size}")
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return loads
