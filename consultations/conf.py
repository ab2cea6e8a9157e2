"""Tunables for consultations. Read from settings when present, else these defaults."""

from __future__ import annotations

from django.conf import settings

# Business days a receiving agency has to accept a sheet, by urgency (0 = the same day).
SHEET_DEADLINE_BUSINESS_DAYS: dict[str, int] = getattr(
    settings, "CONSULTATIONS_SHEET_DEADLINE_BUSINESS_DAYS", {"urgent": 0, "high": 1, "normal": 3}
)
# Hours before the deadline that the receiving agency is reminded.
SHEET_REMINDER_HOURS_BEFORE: int = getattr(settings, "CONSULTATIONS_SHEET_REMINDER_HOURS", 3)
# A received hand-over with no change for this many days shows as stale on the city board.
SHEET_STALE_DAYS: int = getattr(settings, "CONSULTATIONS_SHEET_STALE_DAYS", 14)
# Longest narrative accepted at intake (characters).
NARRATIVE_MAX_LENGTH: int = getattr(settings, "CONSULTATIONS_NARRATIVE_MAX_LENGTH", 4000)
# Closed consultations are anonymised this many months after closing.
RETENTION_MONTHS: int = getattr(settings, "CONSULTATIONS_RETENTION_MONTHS", 60)
# Outreach cases that never reach consent are anonymised after this many months.
OUTREACH_ANONYMISE_MONTHS: int = getattr(settings, "CONSULTATIONS_OUTREACH_ANONYMISE_MONTHS", 12)
# External conference participants can read the materials for this many days after the date.
CONFERENCE_EXTERNAL_ACCESS_DAYS: int = getattr(
    settings, "CONSULTATIONS_CONFERENCE_EXTERNAL_ACCESS_DAYS", 30
)
PAGE_SIZE = 25
