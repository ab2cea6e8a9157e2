"""``reminders.policies``: a notification is its recipient's alone; anyone else's is a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from reminders.policies import notification_can, notification_scope
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_scope_is_the_users_own_notifications() -> None:
    me, other = UserFactory(), UserFactory()
    mine = NotificationFactory.create(recipient=me, subject="自分の")
    theirs = NotificationFactory.create(recipient=other, subject="他人の")
    for action in ("view", "read"):
        assert set(notification_scope(me, action)) == {mine}
        assert set(notification_scope(other, action)) == {theirs}
        assert not notification_scope(AnonymousUser(), action).exists()


def test_only_the_recipient_may_read_it() -> None:
    me, other = UserFactory(), UserFactory()
    mine = NotificationFactory.create(recipient=me, subject="自分の")
    assert notification_can(me, "read", mine) and notification_can(me, "view", mine)
    assert not notification_can(other, "read", mine)
    assert not notification_can(AnonymousUser(), "read", mine)
    assert not notification_can(me, "delete", mine)  # no such action


def test_opening_someone_elses_notification_is_a_404_and_leaves_it_unread(client: Any) -> None:
    me, other = UserFactory(), UserFactory()
    theirs = NotificationFactory.create(recipient=other, subject="他人の", url="/")
    client.force_login(me)
    for key in (theirs.pk, 10**30):
        response = client.get(reverse("reminders:notification_open", args=[key]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
