"""Races on PostgreSQL: two staff press 受理 at once; a receipt meets a refusal."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from consultations import services
from consultations.models import Consultation, SheetStatus, SheetTransition
from consultations.selectors import agency_of
from directory.models import Role
from tests.factories import MembershipFactory, SheetFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_staff_receiving_at_once_leave_one_transition(
    postgres: None, role_users: dict[str, Any]
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    receiver = agency_of(role_users["staff_disability"])
    second = UserFactory(email="staff.disability2@example.jp")
    MembershipFactory(user=second, organization=receiver, role=Role.CONSULTATION_STAFF)
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


@pytest.mark.django_db(transaction=True)
def test_a_sheet_is_not_received_while_the_refusal_is_being_recorded(
    postgres: None, role_users: dict[str, Any]
) -> None:
    """#11 finding 2: the receipt waits for the consent being recorded, then sees the
    refusal. Without the consultation's row lock it would read the consent as it was."""
    sheet = SheetFactory(status=SheetStatus.SENT)
    receiver = agency_of(role_users["staff_disability"])
    refusal_written = threading.Event()
    outcomes: list[str] = []

    def refuse() -> None:
        try:
            with transaction.atomic():
                services.consultation_consent_update(
                    consultation=sheet.consultation,
                    by=role_users["staff_elderly"],
                    status=Consultation.ConsentStatus.REFUSED,
                    method="",
                    fields=[],
                    domains=[],
                    agencies=[],
                    expires_on=None,
                )
                refusal_written.set()
                time.sleep(0.5)  # the receipt starts while this is not yet committed
        finally:
            connection.close()

    def receive() -> None:
        try:
            assert refusal_written.wait(10)
            services.sheet_transition(
                sheet_id=sheet.pk,
                to=SheetStatus.RECEIVED,
                by=role_users["staff_disability"],
                agency=receiver,
            )
            outcomes.append("received")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=refuse), threading.Thread(target=receive)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["refused"]
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SENT
    assert not SheetTransition.objects.filter(sheet=sheet, to_status="received").exists()


@pytest.mark.django_db
def test_a_still_sent_sheet_cannot_be_received_after_the_refusal(
    postgres: None, role_users: dict[str, Any]
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    services.consultation_consent_update(
        consultation=sheet.consultation,
        by=role_users["staff_elderly"],
        status=Consultation.ConsentStatus.REFUSED,
        method="",
        fields=[],
        domains=[],
        agencies=[],
        expires_on=None,
    )
    with pytest.raises(ValidationError):
        services.sheet_transition(
            sheet_id=sheet.pk,
            to=SheetStatus.RECEIVED,
            by=role_users["staff_disability"],
            agency=agency_of(role_users["staff_disability"]),  # type: ignore[arg-type]
        )
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SENT
