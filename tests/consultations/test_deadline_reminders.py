"""A sent sheet's deadline reminders follow the sheet, not today's staff list (issue 12, defect 4).

The receiver's staff are reminded before the deadline and the city is told after it. Once the
sheet leaves 送付済み — or its basis no longer lets it be received — none of those reminders
may go out, whoever has joined or left the agencies since it was sent.
"""

from __future__ import annotations

from typing import Any

import pytest

from consultations import services
from consultations.models import Consultation, SheetStatus, TsunaguSheet
from consultations.selectors import agency_of
from directory.models import Domain, Membership, Role
from reminders.models import Reminder
from tests.factories import MembershipFactory, SheetFactory, UserFactory

pytestmark = pytest.mark.django_db


def _deadline_reminders(sheet: TsunaguSheet, user: Any) -> list[Reminder]:
    return list(
        Reminder.objects.filter(
            kind__in=["consultations.sheet_deadline", "consultations.sheet_escalation"],
            object_id=str(sheet.pk),
            recipient=user,
        )
    )


def _colleague(users: dict[str, Any], of: str, role: str) -> tuple[Any, Membership]:
    """A second member of ``of``'s organization, with ``role``."""
    membership = Membership.objects.filter(user=users[of], is_active=True).first()
    assert membership is not None
    colleague = UserFactory(email=f"colleague.{of}@example.jp")
    joined = MembershipFactory(user=colleague, organization=membership.organization, role=role)
    return colleague, joined


def _leaves(membership: Membership) -> None:
    membership.is_active = False
    membership.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    "to, who, note",
    [
        (SheetStatus.RECEIVED, "staff_disability", ""),
        (SheetStatus.DECLINED, "staff_disability", "対象外のため"),
        (SheetStatus.WITHDRAWN, "staff_elderly", ""),
    ],
)
def test_a_receiver_who_left_the_agency_loses_the_deadline_reminder_when_the_sheet_moves_on(
    users: dict[str, Any], to: str, who: str, note: str
) -> None:
    colleague, membership = _colleague(users, "staff_disability", Role.CONSULTATION_STAFF)
    sheet = SheetFactory(status=SheetStatus.SENT)
    (reminder,) = _deadline_reminders(sheet, colleague)
    assert reminder.status == Reminder.Status.PENDING
    _leaves(membership)  # she moved to another agency after the sheet arrived

    user = users[who]
    services.sheet_transition(sheet_id=sheet.pk, to=to, by=user, agency=agency_of(user), note=note)

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED
    assert not Reminder.objects.filter(
        object_id=str(sheet.pk),
        kind__in=["consultations.sheet_deadline", "consultations.sheet_escalation"],
        status=Reminder.Status.PENDING,
    ).exists()


def test_city_staff_who_left_lose_the_escalation_when_the_sheet_is_received(
    users: dict[str, Any],
) -> None:
    colleague, membership = _colleague(users, "city", Role.CITY_STAFF)
    sheet = SheetFactory(status=SheetStatus.SENT)
    (escalation,) = _deadline_reminders(sheet, colleague)
    assert escalation.kind == "consultations.sheet_escalation"
    _leaves(membership)

    receiver = users["staff_disability"]
    services.sheet_transition(
        sheet_id=sheet.pk, to=SheetStatus.RECEIVED, by=receiver, agency=agency_of(receiver)
    )

    escalation.refresh_from_db()
    assert escalation.status == Reminder.Status.CANCELLED


def _record_consent(users: dict[str, Any], consultation: Consultation, **change: Any) -> None:
    fields: dict[str, Any] = {
        "status": Consultation.ConsentStatus.GIVEN,
        "method": Consultation.ConsentMethod.SIGNED,
        "fields": consultation.consent_fields,
        "domains": list(Domain.objects.filter(code="disability")),
        "agencies": [],
        "expires_on": None,
    }
    fields.update(change)
    services.consultation_consent_update(
        consultation=consultation, by=users["staff_elderly"], **fields
    )


def _pending(sheet: TsunaguSheet) -> set[str]:
    return set(
        Reminder.objects.filter(
            object_id=str(sheet.pk),
            kind__in=["consultations.sheet_deadline", "consultations.sheet_escalation"],
            status=Reminder.Status.PENDING,
        ).values_list("idempotency_key", flat=True)
    )


def test_a_sent_sheet_whose_consent_is_refused_keeps_no_deadline_reminder(
    users: dict[str, Any],
) -> None:
    """It can no longer be received (only declined or withdrawn): nobody is asked to receive
    it in time, and the city is not told it is late. A consent given again brings them back."""
    sheet = SheetFactory(status=SheetStatus.SENT)
    scheduled = _pending(sheet)
    assert scheduled  # the receiver's reminder and the city's escalation

    _record_consent(users, sheet.consultation, status=Consultation.ConsentStatus.REFUSED, method="")
    assert _pending(sheet) == set()

    sheet.consultation.refresh_from_db()
    _record_consent(users, sheet.consultation)
    assert _pending(sheet) == scheduled


def test_a_consent_that_no_longer_names_the_receiver_cancels_its_deadline_reminders(
    users: dict[str, Any],
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    assert _pending(sheet)
    _record_consent(users, sheet.consultation, domains=list(Domain.objects.filter(code="children")))
    assert _pending(sheet) == set()


def test_a_support_meeting_sheet_keeps_its_reminders_whatever_the_consent(
    users: dict[str, Any],
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    TsunaguSheet.objects.filter(pk=sheet.pk).update(
        legal_basis=TsunaguSheet.LegalBasis.SUPPORT_MEETING, support_meeting_note="2026-01-05"
    )
    scheduled = _pending(sheet)
    _record_consent(users, sheet.consultation, status=Consultation.ConsentStatus.REFUSED, method="")
    assert _pending(sheet) == scheduled


def _sent_on_consent_expiring(users: dict[str, Any], expires_on: Any) -> TsunaguSheet:
    sheet = SheetFactory(status=SheetStatus.DRAFT)
    Consultation.objects.filter(pk=sheet.consultation_id).update(consent_expires_on=expires_on)
    staff = users["staff_elderly"]
    return services.sheet_transition(
        sheet_id=sheet.pk, to=SheetStatus.SENT, by=staff, agency=agency_of(staff)
    )


def _deadline_rows(sheet: TsunaguSheet) -> Any:
    return Reminder.objects.filter(
        kind__in=["consultations.sheet_deadline", "consultations.sheet_escalation"],
        object_id=str(sheet.pk),
    )


@pytest.mark.parametrize("expires_in", [1, None])
def test_a_consent_that_expires_as_days_pass_stops_the_deadline_reminders_when_they_come_due(
    users: dict[str, Any], clock: Any, mailoutbox: list[Any], expires_in: int | None
) -> None:
    """Nothing happens on the day a consent lapses; but a deadline reminder, when it comes due,
    is asked whether it still applies (the sheet still waiting, its basis covering the
    receiver today). One sent on a consent that has expired since is cancelled, not sent."""
    from datetime import timedelta

    from django.utils import timezone

    from reminders.models import Notification
    from reminders.services import reminders_send_due

    expires_on = None if expires_in is None else timezone.localdate() + timedelta(expires_in)
    sheet = _sent_on_consent_expiring(users, expires_on)
    rows = _deadline_rows(sheet)
    assert rows.count() >= 2 and {r.status for r in rows} == {Reminder.Status.PENDING}

    # Past every due time, and past the expiry.
    clock.set(max(r.due_at for r in rows) + timedelta(minutes=1))
    assert expires_on is None or timezone.localdate() > expires_on
    reminders_send_due()

    statuses = {r.status for r in _deadline_rows(sheet)}
    reminded = Notification.objects.filter(reminder__in=_deadline_rows(sheet))
    if expires_in is None:
        # The consent still covers the receiver: everyone is reminded.
        assert statuses == {Reminder.Status.SENT}
        assert reminded.count() == rows.count()
    else:
        assert statuses == {Reminder.Status.CANCELLED}
        assert not reminded.exists()
        assert not [m for m in mailoutbox if "受理" in m.subject]
