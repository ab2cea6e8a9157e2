"""Issue 15: reminders on LINE, through the one reminders mechanism.

The Messaging API is a fake on 127.0.0.1 (``bench.fake_line``) that behaves as LINE documents
the push endpoint and its ``X-Line-Retry-Key``; the portal talks to it through line-bot-sdk's
own client, so what is checked is the request the SDK really sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bench.fake_line import FakeLine
from reminders.models import NoticeChannel, NoticePreference, Notification, Reminder
from reminders.services import reminder_kind_group, reminders_send_due
from tests.factories import ReminderFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "test-channel-token"
IDEA_KIND = "projects.idea_event"


@pytest.fixture
def line(settings: Any) -> Iterator[FakeLine]:
    with FakeLine(token=TOKEN) as fake:
        settings.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN = TOKEN
        settings.LINE_MESSAGING_API_HOST = fake.url
        settings.LINE_PUSH_TIMEOUT_SECONDS = 5
        yield fake


def _linked(uid: str = "U" + "a" * 32, channel: str = NoticeChannel.LINE, **kw: Any) -> Any:
    user = UserFactory(**kw)
    SocialAccount.objects.create(user=user, provider="line", uid=uid)
    NoticePreference.objects.create(user=user, group="ideas", channel=channel)
    return user


def _due(user: Any, kind: str = IDEA_KIND, **kw: Any) -> Reminder:
    kw.setdefault("url", "/ideas/1/")
    return ReminderFactory(recipient=user, kind=kind, subject="アイデアの状況が変わりました", **kw)


def _send_again(reminder: Reminder) -> None:
    """Make a row waiting for its retry due now, and run the sender."""
    Reminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    reminders_send_due()


def test_line_chosen_goes_to_line_only_with_the_rows_retry_key(line: FakeLine) -> None:
    user = _linked()
    reminder = _due(user)
    assert reminders_send_due() == 1
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.delivered_by == "line"
    [(to, text, key)] = line.delivered
    assert to == "U" + "a" * 32
    assert key == str(reminder.line_retry_key)
    assert "アイデアの状況が変わりました" in text and "http://" in text and "/ideas/1/" in text
    assert "本文" not in text  # the body stays in the portal and the email
    assert mail.outbox == []
    assert Notification.objects.filter(reminder=reminder).count() == 1


def test_both_goes_to_line_and_email(line: FakeLine) -> None:
    user = _linked(channel=NoticeChannel.BOTH)
    reminder = _due(user)
    reminders_send_due()
    reminder.refresh_from_db()
    assert reminder.delivered_by == "line+email"
    assert len(line.delivered) == 1 and len(mail.outbox) == 1


def test_without_the_messaging_token_nothing_goes_to_line(line: FakeLine, settings: Any) -> None:
    settings.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN = ""
    reminder = _due(_linked())
    reminders_send_due()
    reminder.refresh_from_db()
    assert reminder.delivered_by == "email" and len(mail.outbox) == 1
    assert line.counts()["requests"] == 0


def test_a_person_who_has_not_linked_line_gets_email(line: FakeLine) -> None:
    user = UserFactory()
    NoticePreference.objects.create(user=user, group="ideas", channel=NoticeChannel.LINE)
    _due(user)
    reminders_send_due()
    assert len(mail.outbox) == 1 and line.counts()["requests"] == 0


def test_kinds_in_no_group_and_consultations_never_go_to_line(line: FakeLine) -> None:
    user = _linked()
    for group in ("sessions", "projects"):
        NoticePreference.objects.create(user=user, group=group, channel=NoticeChannel.LINE)
    _due(user, kind="notice")
    _due(user, kind="consultations.outreach_next")
    reminders_send_due()
    assert len(mail.outbox) == 2 and line.counts()["requests"] == 0
    with pytest.raises(ValueError):
        reminder_kind_group("consultations.sheet_deadline", "ideas")


def test_a_push_that_fails_is_retried_with_the_same_key_and_sent_once(line: FakeLine) -> None:
    user = _linked()
    reminder = _due(user)
    line.fail_next = [500]
    assert reminders_send_due() == 0
    reminder.refresh_from_db()
    assert reminder.status == "pending" and reminder.attempts == 1
    assert "500" in reminder.last_error
    # Nothing of the failed attempt stays: no notification, no email.
    assert not Notification.objects.filter(reminder=reminder).exists() and mail.outbox == []
    _send_again(reminder)
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.delivered_by == "line"
    assert line.requests[str(reminder.line_retry_key)] == 2
    assert len(line.delivered) == 1
    assert Notification.objects.filter(reminder=reminder).count() == 1


def test_a_blocked_account_falls_back_to_email_and_is_recorded(line: FakeLine) -> None:
    user = _linked(uid="U" + "b" * 32)
    line.blocked.add("U" + "b" * 32)
    reminder = _due(user)
    assert reminders_send_due() == 1
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.delivered_by == "email"
    assert "403" in reminder.line_error
    assert len(mail.outbox) == 1 and line.delivered == []


def test_rate_limited_pushes_are_retried_then_go_by_email(line: FakeLine, settings: Any) -> None:
    settings.LINE_PUSH_ATTEMPTS = 3
    reminder = _due(_linked())
    line.fail_next = [429, 429, 429]
    reminders_send_due()
    _send_again(reminder)
    reminder.refresh_from_db()
    assert reminder.status == "pending" and reminder.attempts == 2
    _send_again(reminder)
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.delivered_by == "email"
    assert "429" in reminder.line_error and len(mail.outbox) == 1
    assert line.requests[str(reminder.line_retry_key)] == 3 and line.delivered == []


def test_line_unreachable_counts_as_an_outage(line: FakeLine, settings: Any) -> None:
    settings.LINE_MESSAGING_API_HOST = "http://127.0.0.1:9"  # nothing listens
    reminder = _due(_linked())
    reminders_send_due()
    reminder.refresh_from_db()
    assert reminder.status == "pending" and "unreachable" in reminder.last_error


def test_push_accepted_but_the_answer_lost_is_sent_once(line: FakeLine) -> None:
    """LINE took the push, the worker never heard (the connection dropped): the row stays
    pending; its retry, with the same key, is answered 409 and counts as sent."""
    reminder = _due(_linked())
    line.accept_then_drop = 1
    reminders_send_due()
    reminder.refresh_from_db()
    assert reminder.status == "pending" and len(line.delivered) == 1
    _send_again(reminder)
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.delivered_by == "line"
    assert len(line.delivered) == 1 and line.requests[str(reminder.line_retry_key)] == 2


class WorkerKilled(BaseException):
    pass


def test_a_worker_killed_after_the_push_before_the_commit_sends_once(
    line: FakeLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies between LINE's acceptance and the commit (here: while it sends the
    email of a person who chose both): nothing of the run is committed; the next run pushes
    with the same key, LINE answers 409, and the person has one LINE message."""
    from django.core.mail import EmailMessage

    reminder = _due(_linked(channel=NoticeChannel.BOTH))
    real_send = EmailMessage.send

    def die(self: EmailMessage, *args: Any, **kwargs: Any) -> int:
        raise WorkerKilled

    monkeypatch.setattr(EmailMessage, "send", die)
    with pytest.raises(WorkerKilled):
        reminders_send_due()
    reminder.refresh_from_db()
    assert reminder.status == "pending" and len(line.delivered) == 1
    monkeypatch.setattr(EmailMessage, "send", real_send)
    reminders_send_due()
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.delivered_by == "line+email"
    assert len(line.delivered) == 1 and len(mail.outbox) == 1


def test_each_reminder_has_its_own_retry_key() -> None:
    user = UserFactory()
    keys = {_due(user).line_retry_key for _ in range(5)}
    assert len(keys) == 5


# --- the account page ---------------------------------------------------------------------


def test_account_page_offers_the_choice_to_a_linked_person(client: Any, line: FakeLine) -> None:
    user = _linked()
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "お知らせの受け取り方" in page and 'name="notices-sessions"' in page
    response = client.post(
        reverse("accounts:profile"),
        {
            "section": "notices",
            "notices-ideas": "both",
            "notices-sessions": "line",
            "notices-projects": "email",
        },
    )
    assert response.status_code == 302
    assert dict(NoticePreference.objects.filter(user=user).values_list("group", "channel")) == {
        "ideas": "both",
        "sessions": "line",
        "projects": "email",
    }


@pytest.mark.parametrize("linked, token", [(False, TOKEN), (True, "")])
def test_account_page_hides_the_choice(
    client: Any, settings: Any, linked: bool, token: str
) -> None:
    settings.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN = token
    user = _linked() if linked else UserFactory()
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "お知らせの受け取り方" not in page
    # A post of the section does nothing either.
    before = list(NoticePreference.objects.filter(user=user).values_list("group", "channel"))
    client.post(reverse("accounts:profile"), {"section": "notices", "notices-sessions": "line"})
    after = list(NoticePreference.objects.filter(user=user).values_list("group", "channel"))
    assert after == before


@pytest.mark.parametrize("value", ["fax", "", "line\x00", "１"])
def test_a_bad_choice_gets_a_message_and_changes_nothing(
    client: Any, line: FakeLine, value: str
) -> None:
    user = _linked(channel=NoticeChannel.EMAIL)
    before = dict(NoticePreference.objects.filter(user=user).values_list("group", "channel"))
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "section": "notices",
            "notices-ideas": "line",
            "notices-sessions": value,
            "notices-projects": "email",
        },
    )
    assert response.status_code in (200, 400)  # a NUL is refused at the door (400 page)
    if response.status_code == 200:
        body = response.content.decode()
        assert "正しく選択してください" in body or "このフィールドは必須です" in body
    after = dict(NoticePreference.objects.filter(user=user).values_list("group", "channel"))
    assert after == before
