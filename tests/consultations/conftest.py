from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def users(role_users: dict[str, Any]) -> dict[str, Any]:
    return role_users


class Clock:
    """``django.utils.timezone.now`` held at a time the test moves (no time-machine or
    freezegun in the lock). ``timezone.localdate()`` and ``localtime()`` follow it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from django.utils import timezone

        self.start = self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, when: Any) -> None:
        self.now = when

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)
