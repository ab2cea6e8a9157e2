"""Reminders follow the state exactly (issue 12): random sequences of register, cancel a
registration, edit or move the session, change its capacity (people move up from the waiting
list) and cancel it; after every step the pending reminders are exactly those the state
implies — one per registered person and reminder hour still ahead, due before the session's
current start, saying its current time; one outcome reminder for the organizer while the
session is on — no old time, nobody no longer concerned, none missing, none twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.fiscal import TOKYO
from directory.models import Mode, Place
from reminders.models import Reminder
from sessions import conf
from sessions.models import FutureSession, Registration
from sessions.services import (
    registration_cancel,
    registration_create,
    session_cancel,
    session_create,
    session_update,
)
from tests.factories import PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = 4
# Start times the session is moved to, in hours from the first one (ten days ahead, 10:00
# Tokyo): some put the two-days-before reminder in the past.
OFFSETS = [0, 3, -200, -215, 27, 50]

people = st.integers(min_value=0, max_value=PEOPLE - 1)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("register"), people),
        st.tuples(st.just("register"), people),
        st.tuples(st.just("cancel"), people),
        st.tuples(st.just("move"), st.sampled_from(OFFSETS)),
        st.tuples(st.just("edit"), st.just(0)),
        st.tuples(st.just("capacity"), st.sampled_from([0, 1, 2, 3])),
        st.tuples(st.just("cancel_session"), st.just(0)),
    ),
    min_size=1,
    max_size=12,
)


def _first_start() -> datetime:
    day = timezone.localdate() + timedelta(days=10)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=TOKYO)


def _when(session: FutureSession) -> str:
    return date_format(timezone.localtime(session.starts_at), "Y年n月j日 H:i")


def _step(session: FutureSession, coordinator: Any, users: list[Any], step: tuple) -> None:
    what, arg = step
    if what == "register":
        registration_create(session=session, user=users[arg])
    elif what == "cancel":
        live = (
            Registration.objects.filter(session=session, user=users[arg])
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if live is not None:
            registration_cancel(registration=live, by=users[arg])
    elif what in ("move", "edit"):
        session.refresh_from_db()
        start = (
            _first_start() + timedelta(hours=arg)
            if what == "move"
            else timezone.localtime(session.starts_at)  # the form sends the time in Tokyo
        )
        session_update(
            session=session, by=coordinator, starts_at=start, ends_at=start + timedelta(hours=2)
        )
    elif what == "capacity":
        session_update(session=session, by=coordinator, capacity=arg or None)
    elif what == "cancel_session":
        session_cancel(session=session, by=coordinator)


def _pending(session: FutureSession, kind: str) -> Counter[tuple[int, datetime, bool]]:
    when = _when(session)
    return Counter(
        (r.recipient_id, r.due_at, when in r.body or kind != "future_session.registrant")
        for r in Reminder.objects.filter(
            kind=kind,
            status=Reminder.Status.PENDING,
            idempotency_key__startswith=f"session:{session.pk}:",
        )
    )


def _implied(session: FutureSession, kind: str) -> Counter[tuple[int, datetime, bool]]:
    if session.status != FutureSession.Status.SCHEDULED:
        return Counter()
    if kind == "future_session.outcome":
        due = session.ends_at + timedelta(hours=conf.OUTCOME_REMINDER_AFTER_HOURS)
        return Counter([(session.organizer_id, due, True)])
    now = timezone.now()
    return Counter(
        (registration.user_id, session.starts_at - timedelta(hours=hours), True)
        for registration in session.registrations.filter(status=Registration.Status.REGISTERED)
        for hours in conf.REGISTRANT_REMINDER_HOURS
        if session.starts_at - timedelta(hours=hours) > now
    )


def _check(session: FutureSession) -> None:
    session.refresh_from_db()
    for kind in ("future_session.registrant", "future_session.outcome"):
        assert _pending(session, kind) == _implied(session, kind), kind


@pytest.fixture
def people_and_venue(demo: Any) -> tuple[list[Any], Place]:
    users = [UserFactory() for _ in range(PEOPLE)]
    return users, Place.objects.first() or PlaceFactory(name="会場")


def test_pending_reminders_are_exactly_what_the_state_implies(
    coordinator: Any, people_and_venue: tuple[list[Any], Place]
) -> None:
    users, venue = people_and_venue

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(capacity=st.sampled_from([1, 2, None]), sequence=steps)
    def run(capacity: int | None, sequence: list[tuple]) -> None:
        with transaction.atomic():
            start = _first_start()
            session = session_create(
                by=coordinator,
                title="居場所を考える",
                question="どんな場所？",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                mode=Mode.PHYSICAL,
                venue=venue,
                capacity=capacity,
            )
            _check(session)
            for step in sequence:
                try:
                    with transaction.atomic():
                        _step(session, coordinator, users, step)
                except ValidationError:
                    pass  # refused: nothing changed, and the reminders must say so too
                _check(session)
            transaction.set_rollback(True)

    run()
