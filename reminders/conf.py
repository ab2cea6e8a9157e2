"""Tunables for reminders sent on LINE. Read from the settings each time they are used
(``conf.NAME`` goes through the module's ``__getattr__``), so ``override_settings`` in a test
and a changed setting take effect."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


_TUNABLES: dict[str, Callable[[], Any]] = {
    # The Messaging API channel's long-lived access token; empty: nothing goes to LINE.
    "LINE_MESSAGING_CHANNEL_ACCESS_TOKEN": lambda: str(
        _setting("LINE_MESSAGING_CHANNEL_ACCESS_TOKEN", "")
    ),
    # Where the Messaging API is: LINE's own, or a fake one for tests and the soak.
    "LINE_MESSAGING_API_HOST": lambda: str(
        _setting(
            "LINE_MESSAGING_API_HOST",
            os.environ.get("LINE_MESSAGING_API_HOST", "https://api.line.me"),
        )
    ).rstrip("/"),
    # Seconds a push may take (connect and read) before it counts as an outage.
    "LINE_PUSH_TIMEOUT_SECONDS": lambda: float(
        _setting("LINE_PUSH_TIMEOUT_SECONDS", os.environ.get("LINE_PUSH_TIMEOUT_SECONDS", "10"))
    ),
    # Attempts at a push that LINE could not take (429, 5xx, timeout) before the reminder goes
    # by email instead; between them the row waits like any failed reminder (5, 10 … minutes).
    "LINE_PUSH_ATTEMPTS": lambda: int(
        _setting("LINE_PUSH_ATTEMPTS", os.environ.get("LINE_PUSH_ATTEMPTS", "3"))
    ),
}


if TYPE_CHECKING:
    LINE_MESSAGING_CHANNEL_ACCESS_TOKEN: str
    LINE_MESSAGING_API_HOST: str
    LINE_PUSH_TIMEOUT_SECONDS: float
    LINE_PUSH_ATTEMPTS: int


def __getattr__(name: str) -> Any:
    try:
        return _TUNABLES[name]()
    except KeyError:
        raise AttributeError(name) from None
