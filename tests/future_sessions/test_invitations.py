from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder
from sessions.models import Invitation
from sessions.services import invitation_create, invitation_token

pytestmark = pytest.mark.django_db


def _url(invitation: Invitation) -> str:
    return reverse(
        "future_sessions:invitation_respond", kwargs={"token": invitation_token(invitation)}
    )


def test_inviting_an_organization_emails_a_personal_link_and_schedules_one_reminder(
    future_session: Any, coordinator: Any, demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        inv = invitation_create(
            session=future_session, by=coordinator, organization=demo.orgs["company"]
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["company@example.jp"]
    assert "/sessions/invitation/" in mail.outbox[0].body
    reminders = Reminder.objects.filter(kind="future_session.invitation_reminder")
    assert reminders.count() == 1
    assert reminders.get().recipient_email == "company@example.jp"
    assert inv.status == Invitation.Status.PENDING


def test_invitee_accepts_without_signing_in_and_the_reminder_is_cancelled(
    client: Any, future_session: Any, coordinator: Any, demo: Any
) -> None:
    inv = invitation_create(
        session=future_session, by=coordinator, organization=demo.orgs["university"]
    )
    page = client.get(_url(inv))
    assert page.status_code == 200
    assert future_session.question in page.content.decode()
    response = client.post(_url(inv), {"answer": "accept"})
    assert response.status_code == 200
    inv.refresh_from_db()
    assert inv.status == Invitation.Status.ACCEPTED
    assert Reminder.objects.get(kind="future_session.invitation_reminder").status == "cancelled"


def test_reused_link_is_refused_and_changes_nothing(
    client: Any, future_session: Any, coordinator: Any, demo: Any
) -> None:
    inv = invitation_create(session=future_session, by=coordinator, organization=demo.orgs["npo"])
    client.post(_url(inv), {"answer": "decline"})
    response = client.post(_url(inv), {"answer": "accept"})
    assert response.status_code == 400
    assert "すでにお返事をいただいています" in response.content.decode()
    inv.refresh_from_db()
    assert inv.status == Invitation.Status.DECLINED


def test_expired_link_is_refused_and_changes_nothing(
    client: Any, future_session: Any, coordinator: Any, demo: Any
) -> None:
    from django.test import override_settings

    inv = invitation_create(session=future_session, by=coordinator, organization=demo.orgs["npo"])
    # A link older than its lifetime: the same as moving the clock past the expiry.
    with override_settings(FUTURE_SESSION_INVITATION_MAX_AGE_DAYS=-1):
        response = client.post(_url(inv), {"answer": "accept"})
    assert response.status_code == 400
    assert "有効期限が切れています" in response.content.decode()
    inv.refresh_from_db()
    assert inv.status == Invitation.Status.PENDING


def test_tampered_link_is_refused(client: Any) -> None:
    response = client.get(
        reverse("future_sessions:invitation_respond", kwargs={"token": "12:abc:def"})
    )
    assert response.status_code == 400
    assert "正しくありません" in response.content.decode()


def test_coordinator_invites_a_person_from_the_page(
    client: Any, future_session: Any, coordinator: Any, demo: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("future_sessions:invitations", kwargs={"pk": future_session.pk})
    response = client.post(url, {"person_email": "member@example.jp"})
    assert response.status_code == 302
    assert Invitation.objects.get().user == demo.users["member@example.jp"]
    again = client.post(url, {"person_email": "member@example.jp"})
    assert "すでに招待しています" in again.content.decode()
    assert Invitation.objects.count() == 1


def test_invitation_reminder_is_never_after_two_days_before_the_session(
    coordinator: Any, demo: Any
) -> None:
    from tests.factories import SessionFactory

    start = timezone.now() + timedelta(days=4)
    session = SessionFactory(by=coordinator, starts_at=start, ends_at=start + timedelta(hours=1))
    invitation_create(session=session, by=coordinator, organization=demo.orgs["npo"])
    due = Reminder.objects.get(kind="future_session.invitation_reminder").due_at
    assert due == start - timedelta(days=2)
