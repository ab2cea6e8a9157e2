from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from directory.fiscal import fiscal_year_of
from indicators.registry import registered
from sessions.services import outcome_record
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_sessions_held_and_participants_are_registered_indicators(coordinator: Any) -> None:
    start = timezone.now() - timedelta(hours=5)
    held = SessionFactory(by=coordinator, starts_at=start)
    SessionFactory(by=coordinator, starts_at=start)  # no outcome
    outcome_record(session=held, by=coordinator, summary="まとめ", participant_count=17)
    year = fiscal_year_of(start)
    indicators = registered()
    assert indicators["OP-SESSIONS-HELD"].compute(year, None) == 1
    assert indicators["OP-SESSIONS-PARTICIPANTS"].compute(year, None) == 17
    assert indicators["OP-SESSIONS-HELD"].compute(year - 1, None) == 0
