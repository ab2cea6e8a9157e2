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


# Each step: (who, to) for a move, or a consent recording.
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
        ]
    ),
    max_size=6,
)


def _pending_deadline_keys(sheet: TsunaguSheet) -> set[str]:
    return set(
        Reminder.objects.filter(
            object_id=str(sheet.pk),
            kind__in=["consultations.sheet_deadline", "consultations.sheet_escalation"],
            status=Reminder.Status.PENDING,
        ).values_list("idempotency_key", flat=True)
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
@example(steps=[("staff_elderly", S.SENT), ("consent", "refused"), ("consent", "given")])
@example(steps=[("staff_elderly", S.SENT), ("staff_disability", S.DECLINED)])
def test_deadline_reminders_are_pending_exactly_while_the_sheet_waits_for_receipt(
    users: dict[str, Any], steps: list[tuple[str, str]]
) -> None:
    """After any sequence of moves and consent recordings: a sheet waiting to be received
    (送付済み, basis covering the receiver) has its receiver reminder and city escalation
    pending; any other sheet has none."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from directory.models import Domain

    sheet = SheetFactory(status=S.DRAFT)
    for who, to in steps:
        try:
            if who == "consent":
                services.consultation_consent_update(
                    consultation=Consultation.objects.get(pk=sheet.consultation_id),
                    by=users["staff_elderly"],
                    status=to,
                    method="signed" if to == "given" else "",
                    fields=["name", "troubles", "district"],
                    domains=list(Domain.objects.filter(code="disability")),
                    agencies=[],
                    expires_on=None,
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
        waiting = (
            TsunaguSheet.objects.filter(pk=sheet.pk, status=S.SENT)
            .shared_open(today=timezone.localdate())
            .exists()
        )
        keys = _pending_deadline_keys(sheet)
        if waiting:
            assert any(k.startswith(f"sheet:{sheet.pk}:receiver:") for k in keys)
            assert any(k.startswith(f"sheet:{sheet.pk}:escalate:") for k in keys)
        else:
            assert keys == set(), (steps, keys)
