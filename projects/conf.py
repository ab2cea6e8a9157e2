"""Tunables of the ideas app, read from Django settings or the environment."""

from __future__ import annotations

import os

from django.conf import settings


def ack_days() -> int:
    """Days within which a coordinator must acknowledge a new idea (default 5)."""
    return int(getattr(settings, "IDEA_ACK_DAYS", os.environ.get("IDEA_ACK_DAYS", 5)))


def ack_reminder_days_before() -> int:
    """How many days before the acknowledgement deadline coordinators are reminded."""
    return int(
        getattr(
            settings,
            "IDEA_ACK_REMINDER_DAYS_BEFORE",
            os.environ.get("IDEA_ACK_REMINDER_DAYS_BEFORE", 1),
        )
    )


BOARD_PAGE_SIZE = 20
INBOX_PAGE_SIZE = 25
