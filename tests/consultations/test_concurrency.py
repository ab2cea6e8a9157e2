"""Two staff of the receiving agency press 受理 at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from consultations import services
from consultations.models import SheetStatus, SheetTransition
from consultations.selectors import agency_of
from directory.models import Membership, Role
from tests.consultations.builders import make_sheet
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_staff_receiving_at_once_leave_one_transition(
    postgres: None, role_users: dict[str, Any]
) -> None:
    sheet = make_sheet(role_users, status=SheetStatus.SENT)
    receiver = agency_of(role_users["staff_disability"])
    second = UserFactory(email="staff.disability2@example.jp")
    Membership.objects.create(user=second, organization=receiver, role=Role.CONSULTATION_STAFF)
    staff = [role_users["staff_disability"], second]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def receive(user: Any) -> None:
        try:
            barrier.wait()
            services.sheet_transition(
                sheet_id=sheet.pk, to=SheetStatus.RECEIVED, by=user, agency=receiver
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=receive, args=(u,)) for u in staff]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    history = list(SheetTransition.objects.filter(sheet=sheet).values_list("to_status", flat=True))
    assert history == ["sent", "received"]
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RECEIVED
