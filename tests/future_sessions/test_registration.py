from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from directory.models import Role
from reminders.models import Notification, Reminder
from sessions.models import Registration
from sessions.services import registration_cancel, registration_create, session_update
from tests.factories import MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_registration_schedules_two_reminders_before_the_start(
    future_session: Any, resident: Any
) -> None:
    reg = registration_create(session=future_session, user=resident)
    assert reg.status == Registration.Status.REGISTERED
    keys = set(
        Reminder.objects.filter(kind="future_session.registrant").values_list(
            "idempotency_key", flat=True
        )
    )
    assert len(keys) == 2
    due = sorted(
        Reminder.objects.filter(kind="future_session.registrant").values_list("due_at", flat=True)
    )
    assert due[0] == future_session.starts_at - timedelta(hours=48)
    assert due[1] == future_session.starts_at - timedelta(hours=2)


def test_double_registration_is_refused_and_changes_nothing(
    future_session: Any, resident: Any, client: Any
) -> None:
    registration_create(session=future_session, user=resident)
    with pytest.raises(ValidationError, match="すでに申し込んでいます"):
        registration_create(session=future_session, user=resident)
    client.force_login(resident)
    response = client.post(
        reverse("future_sessions:register", kwargs={"pk": future_session.pk}),
        {"seats": 1},
        follow=True,
    )
    assert "すでに申し込んでいます" in response.content.decode()
    assert Registration.objects.count() == 1


def test_full_session_puts_people_on_the_waiting_list(coordinator: Any) -> None:
    session = SessionFactory(by=coordinator, capacity=1)
    first, second = UserFactory(), UserFactory()
    assert registration_create(session=session, user=first).status == "registered"
    waiting = registration_create(session=session, user=second)
    assert waiting.status == Registration.Status.WAITING
    # Nobody on the waiting list is reminded of a session they cannot attend.
    assert not Reminder.objects.filter(
        idempotency_key__contains=f"registration:{waiting.pk}:"
    ).exists()


def test_cancellation_promotes_the_first_waiting_person_and_tells_them(
    coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    session = SessionFactory(by=coordinator, capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    reg1 = registration_create(session=session, user=first)
    reg2 = registration_create(session=session, user=second)
    reg3 = registration_create(session=session, user=third)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=reg1, by=first)
    reg2.refresh_from_db()
    reg3.refresh_from_db()
    assert reg2.status == Registration.Status.REGISTERED
    assert reg3.status == Registration.Status.WAITING
    assert (
        Notification.objects.filter(
            recipient=second, subject__contains="参加できるようになりました"
        ).count()
        == 1
    )
    # The cancelled person's reminders are cancelled (their notices — the confirmation and the
    # withdrawal with its calendar CANCEL — went out); the promoted person's are scheduled.
    assert set(
        Reminder.objects.filter(
            idempotency_key__contains=f"registration:{reg1.pk}:reminder:"
        ).values_list("status", flat=True)
    ) == {"cancelled"}
    assert (
        Reminder.objects.filter(
            idempotency_key__contains=f"registration:{reg2.pk}:", status="pending"
        ).count()
        == 2
    )


def test_group_registration_takes_n_seats(coordinator: Any, demo: Any) -> None:
    session = SessionFactory(by=coordinator, capacity=5)
    member = demo.users["member@example.jp"]
    group = registration_create(
        session=session, user=member, seats=4, organization=demo.orgs["npo"]
    )
    assert group.status == "registered"
    two = UserFactory()
    MembershipFactory(user=two, organization=demo.orgs["npo"], role=Role.MEMBER)
    assert (
        registration_create(
            session=session, user=two, seats=2, organization=demo.orgs["npo"]
        ).status
        == "waiting"
    )
    assert registration_create(session=session, user=UserFactory()).status == "registered"


def test_group_registration_only_for_own_organization(
    future_session: Any, resident: Any, demo: Any
) -> None:
    with pytest.raises(ValidationError, match="所属している団体"):
        registration_create(
            session=future_session, user=resident, seats=3, organization=demo.orgs["npo"]
        )
    assert not Registration.objects.exists()


def test_accessibility_needs_are_kept(future_session: Any, resident: Any, client: Any) -> None:
    client.force_login(resident)
    client.post(
        reverse("future_sessions:register", kwargs={"pk": future_session.pk}),
        {"seats": 1, "needs_wheelchair": "on", "needs_sign_language": "on", "needs_other": "筆談"},
    )
    reg = Registration.objects.get()
    assert reg.needs_wheelchair and reg.needs_sign_language and not reg.needs_childcare
    assert reg.needs_other == "筆談"


def test_moving_the_session_moves_the_reminders(
    future_session: Any, resident: Any, coordinator: Any
) -> None:
    registration_create(session=future_session, user=resident)
    new_start = future_session.starts_at + timedelta(days=3)
    session_update(
        session=future_session,
        by=coordinator,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
    )
    pending = Reminder.objects.filter(kind="future_session.registrant", status="pending")
    assert sorted(pending.values_list("due_at", flat=True)) == [
        new_start - timedelta(hours=48),
        new_start - timedelta(hours=2),
    ]
    assert (
        Reminder.objects.filter(kind="future_session.registrant", status="cancelled").count() == 2
    )
    outcome = Reminder.objects.get(kind="future_session.outcome")
    assert outcome.due_at == new_start + timedelta(hours=4)


def test_resident_cannot_cancel_someone_elses_registration(
    future_session: Any, resident: Any, client: Any
) -> None:
    other = UserFactory()
    reg = registration_create(session=future_session, user=other)
    client.force_login(resident)
    response = client.post(reverse("future_sessions:registration_cancel", kwargs={"pk": reg.pk}))
    assert response.status_code == 404
    reg.refresh_from_db()
    assert reg.status == "registered"


def test_my_registrations_lists_only_mine(future_session: Any, resident: Any, client: Any) -> None:
    other = UserFactory(display_name="ほかの人")
    registration_create(session=future_session, user=other)
    client.force_login(resident)
    response = client.get(reverse("future_sessions:my_registrations"))
    assert future_session.title not in response.content.decode()
    registration_create(session=future_session, user=resident)
    response = client.get(reverse("future_sessions:my_registrations"))
    assert future_session.title in response.content.decode()


def test_registration_for_a_past_session_is_refused(coordinator: Any, resident: Any) -> None:
    start = timezone.now() - timedelta(days=2)
    session = SessionFactory(by=coordinator, starts_at=start)
    with pytest.raises(ValidationError):
        registration_create(session=session, user=resident)


@pytest.mark.django_db(transaction=True)
def test_fifty_people_racing_for_ten_seats_on_postgres(postgres: None, demo: Any) -> None:
    coordinator = demo.users["coordinator@example.jp"]
    session = SessionFactory(by=coordinator, capacity=15)
    for _ in range(5):
        registration_create(session=session, user=UserFactory())
    users = [UserFactory() for _ in range(50)]
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def take(user: Any) -> None:
        try:
            barrier.wait()
            registration_create(session=session, user=user)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    racers = Registration.objects.filter(user__in=users)
    assert racers.filter(status="registered").count() == 10
    assert racers.filter(status="waiting").count() == 40


def test_group_larger_than_the_capacity_is_refused(coordinator: Any, demo: Any) -> None:
    session = SessionFactory(by=coordinator, capacity=3)
    with pytest.raises(ValidationError, match="定員"):
        registration_create(
            session=session,
            user=demo.users["member@example.jp"],
            seats=5,
            organization=demo.orgs["npo"],
        )
    assert not Registration.objects.exists()


def test_raising_the_capacity_moves_people_up(coordinator: Any) -> None:
    session = SessionFactory(by=coordinator, capacity=1)
    registration_create(session=session, user=UserFactory())
    waiting = registration_create(session=session, user=UserFactory())
    session_update(session=session, by=coordinator, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED


def test_the_cached_registration_form_is_shared_only_by_people_with_the_same_organizations(
    future_session: Any, resident: Any, demo: Any, client: Any
) -> None:
    url = reverse("future_sessions:session_detail", kwargs={"pk": future_session.pk})
    npo = demo.orgs["npo"]
    client.force_login(resident)
    alone = client.get(url).content.decode()
    assert 'name="organization"' not in alone and 'name="needs_wheelchair"' in alone
    member = UserFactory(email="npo.member@example.jp")
    MembershipFactory(user=member, organization=npo, role=Role.MEMBER)
    client.force_login(member)
    grouped = client.get(url).content.decode()
    assert 'name="organization"' in grouped and npo.name in grouped
    client.force_login(resident)
    assert 'name="organization"' not in client.get(url).content.decode()
