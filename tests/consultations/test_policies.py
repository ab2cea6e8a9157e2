"""``consultations.policies``: the sheet's state table, the sides' actions, and the scopes.

The access matrix checks the pages; these pin the rules the pages, services and buttons read.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consultations import policies, services
from consultations.models import Consultation, SheetStatus, TsunaguSheet
from consultations.policies import SHEET_STATES, sheet_can, sheet_moves
from reminders.models import Reminder
from tests.factories import SheetFactory

S = SheetStatus
pytestmark = pytest.mark.django_db


def test_the_sheet_table_gives_each_side_its_moves() -> None:
    sender = {to for (frm, to), a in SHEET_STATES.moves.items() if a == "send"}
    assert sender == {S.SENT, S.WITHDRAWN}
    # Only the receiver takes a case on, and only that move needs the basis.
    assert SHEET_STATES.action_for(S.SENT, S.RECEIVED) == "accept"
    assert {a for a in SHEET_STATES.actions()} == {"send", "receive", "accept"}
    # Nothing leaves a closed sheet.
    for closed in (S.COMPLETED, S.DECLINED, S.WITHDRAWN, S.RETURNED):
        assert SHEET_STATES.targets(closed) == []


def test_a_sheet_whose_basis_is_gone_can_be_declined_or_withdrawn_never_received(
    users: dict[str, Any],
) -> None:
    sheet = SheetFactory(status=S.SENT)
    sender = policies.agency_of(users["staff_elderly"])
    receiver = policies.agency_of(users["staff_disability"])
    assert sheet_moves(sheet, receiver, shared_open=True) == [S.RECEIVED, S.DECLINED]
    assert sheet_moves(sheet, receiver, shared_open=False) == [S.DECLINED]
    assert sheet_moves(sheet, sender, shared_open=False) == [S.WITHDRAWN]
    # A third agency, and a person without one, have no side.
    assert sheet_moves(sheet, policies.agency_of(users["staff_other"])) == []
    assert sheet_moves(sheet, None) == []
    assert not sheet_can(users["resident"], "send", sheet)


def test_shared_fields_are_the_senders_always_and_the_receivers_while_open(
    users: dict[str, Any],
) -> None:
    sheet = SheetFactory(status=S.RECEIVED)
    assert sheet_can(users["staff_elderly"], "view_shared", sheet, shared_open=False)
    assert sheet_can(users["staff_disability"], "view_shared", sheet, shared_open=True)
    assert not sheet_can(users["staff_disability"], "view_shared", sheet, shared_open=False)
    assert not sheet_can(users["staff_other"], "view_shared", sheet, shared_open=True)


def test_scopes_reach_only_the_readers_agency(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=S.DRAFT)
    assert list(policies.consultation_scope(users["staff_elderly"])) == [sheet.consultation]
    assert not policies.consultation_scope(users["staff_disability"]).exists()
    assert list(policies.sheet_scope(users["staff_elderly"])) == [sheet]
    # A draft is the sender's alone.
    assert not policies.sheet_scope(users["staff_disability"]).exists()
    for outsider in ("resident", "coordinator", "city", "admin", "cwc", "staff_other"):
        assert not policies.consultation_scope(users[outsider]).exists(), outsider
        assert not policies.sheet_scope(users[outsider]).exists(), outsider


def test_only_the_owning_agency_closes_a_consultation(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=S.DRAFT)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.consultation_close(consultation=sheet.consultation, by=users["staff_other"])
    sheet.consultation.refresh_from_db()
    assert sheet.consultation.status == Consultation.Status.OPEN
    closed = services.consultation_close(consultation=sheet.consultation, by=users["staff_elderly"])
    assert closed.status == Consultation.Status.CLOSED and closed.closed_at is not None


# Each step: (who, to) for a move, a consent recording (given for good, given until tomorrow,
# refused), or time passing (the reminders sender runs, as beat would).
STEPS = st.lists(
    st.sampled_from(
        [
            ("staff_elderly", S.SENT),
            ("staff_elderly", S.WITHDRAWN),
            ("staff_disability", S.RECEIVED),
            ("staff_disability", S.DECLINED),
            ("staff_disability", S.FIRST_CONTACT),
            ("staff_disability", S.RETURNED),
            ("consent", "refused"),
            ("consent", "given"),
            ("consent", "given_until_tomorrow"),
            ("time", "hours"),
            ("time", "day"),
        ]
    ),
    max_size=8,
)
TIME_STEPS = {"hours": {"hours": 7}, "day": {"days": 1}}
DEADLINE_KINDS = ["consultations.sheet_deadline", "consultations.sheet_escalation"]


def _deadline_reminders(sheet: TsunaguSheet) -> list[Reminder]:
    return list(Reminder.objects.filter(object_id=str(sheet.pk), kind__in=DEADLINE_KINDS))


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
@example(steps=[("staff_elderly", S.SENT), ("consent", "refused"), ("consent", "given")])
@example(steps=[("staff_elderly", S.SENT), ("staff_disability", S.DECLINED)])
# Sent on a consent that lapses two days later, before the reminders come due.
@example(
    steps=[
        ("consent", "given_until_tomorrow"),
        ("staff_elderly", S.SENT),
        ("time", "day"),
        ("time", "day"),
        ("time", "day"),
        ("time", "day"),
    ]
)
# Lapsed, then given again: the reminders are back.
@example(
    steps=[
        ("consent", "given_until_tomorrow"),
        ("staff_elderly", S.SENT),
        ("time", "day"),
        ("time", "day"),
        ("consent", "given"),
        ("time", "hours"),
    ]
)
def test_deadline_reminders_are_pending_exactly_while_the_sheet_waits_for_receipt(
    users: dict[str, Any], clock: Any, steps: list[tuple[str, str]]
) -> None:
    """After any sequence of moves, consent recordings and time passing: a sheet waiting to be
    received (送付済み, basis covering the receiver today) has its receiver reminder and city
    escalation, pending or sent; no reminder goes out while it is not waiting; and a sheet not
    waiting has none pending — except, when only time ended its consent, ones not yet due,
    which are cancelled when they come due."""
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from directory.models import Domain
    from reminders.services import reminders_send_due

    clock.set(clock.start)  # every example starts today, whatever the last one did
    sheet = SheetFactory(status=S.DRAFT)
    for who, to in steps:
        sent_before = {r.pk for r in _deadline_reminders(sheet) if r.status == Reminder.Status.SENT}
        try:
            if who == "time":
                clock.advance(**TIME_STEPS[to])
                reminders_send_due()
            elif who == "consent":
                given = to != "refused"
                services.consultation_consent_update(
                    consultation=Consultation.objects.get(pk=sheet.consultation_id),
                    by=users["staff_elderly"],
                    status="given" if given else "refused",
                    method="signed" if given else "",
                    fields=["name", "troubles", "district"],
                    domains=list(Domain.objects.filter(code="disability")),
                    agencies=[],
                    expires_on=(
                        timezone.localdate() + timedelta(days=1)
                        if to == "given_until_tomorrow"
                        else None
                    ),
                )
            else:
                user = users[who]
                services.sheet_transition(
                    sheet_id=sheet.pk,
                    to=to,
                    by=user,
                    agency=policies.agency_of(user),
                    note="理由",
                    contact_on=timezone.localdate(),
                    contact_method="phone",
                )
        except ValidationError:
            pass  # a move the state or the basis refuses changes nothing
        waiting = policies.sheet_waits_for_receipt(sheet.pk)
        rows = _deadline_reminders(sheet)
        live = {r.idempotency_key for r in rows if r.status != Reminder.Status.CANCELLED}
        pending = [r for r in rows if r.status == Reminder.Status.PENDING]
        newly_sent = {r.pk for r in rows if r.status == Reminder.Status.SENT} - sent_before
        if waiting:
            assert any(k.startswith(f"sheet:{sheet.pk}:receiver:") for k in live), steps
            assert any(k.startswith(f"sheet:{sheet.pk}:escalate:") for k in live), steps
        else:
            assert newly_sent == set(), steps
            if pending:
                # Only time has ended the basis, and what is pending is not due yet.
                current = TsunaguSheet.objects.select_related("consultation").get(pk=sheet.pk)
                expires_on = current.consultation.consent_expires_on
                assert current.status == S.SENT, (steps, [r.idempotency_key for r in pending])
                assert expires_on is not None and expires_on < timezone.localdate(), steps
                assert all(r.due_at > timezone.now() for r in pending), steps
