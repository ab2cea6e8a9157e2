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


def test_seeding_again_leaves_reminders_only_for_current_registrations(demo: Any) -> None:
    from reminders.models import Reminder
    from sessions.services import registration_create

    sessions_demo.seed(demo)
    resident = demo.users["resident@example.jp"]
    open_session = FutureSession.objects.get(
        title="フューチャーセッション「災害時に誰も取り残さない」"
    )
    # As an older seed left it: the resident registered, with reminders pending.
    registration_create(session=open_session, user=resident)
    prefix = f"session:{open_session.pk}:registration:"
    assert Reminder.objects.filter(
        recipient=resident, idempotency_key__startswith=prefix, status="pending"
    ).exists()
    sessions_demo.seed(demo)
    assert not Registration.objects.filter(session=open_session, user=resident).exists()
    assert not Reminder.objects.filter(
        recipient=resident, idempotency_key__startswith=prefix, status="pending"
    ).exists()
    # Everyone still registered keeps exactly one pending reminder per reminder time.
    pending = Reminder.objects.filter(kind="future_session.registrant", status="pending")
    keys = list(pending.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) and keys
    registered = set(
        Registration.objects.filter(
            status="registered", session__in=FutureSession.objects.upcoming()
        ).values_list("pk", flat=True)
    )
    assert {int(k.split(":")[3]) for k in keys} <= registered
