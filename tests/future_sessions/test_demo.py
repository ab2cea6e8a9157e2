from __future__ import annotations

from typing import Any

import pytest

from sessions import demo as sessions_demo
from sessions.models import (
    ActionReview,
    DistrictVision,
    FutureSession,
    Registration,
    SessionOutcome,
)

pytestmark = pytest.mark.django_db


def test_small_demo_is_idempotent_and_covers_every_district(demo: Any) -> None:
    sessions_demo.seed(demo)
    counts = (
        FutureSession.objects.count(),
        Registration.objects.count(),
        SessionOutcome.objects.count(),
        ActionReview.objects.count(),
    )
    sessions_demo.seed(demo)
    assert counts == (
        FutureSession.objects.count(),
        Registration.objects.count(),
        SessionOutcome.objects.count(),
        ActionReview.objects.count(),
    )
    assert DistrictVision.objects.count() == 10
    assert SessionOutcome.objects.exists()
    assert FutureSession.objects.upcoming().exists()
