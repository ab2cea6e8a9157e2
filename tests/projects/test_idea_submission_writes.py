"""Sending an idea writes what it wrote before in fewer statements (decision 0026)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Idea, IdeaEvent
from projects.services import idea_create
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def test_a_new_idea_is_received_with_its_notice_and_ack_reminders(
    role_users: Any, theme: Any
) -> None:
    resident = role_users["resident"]
    with CaptureQueriesContext(connection) as ctx:
        idea = idea_create(
            by=resident, kind="want", title="子ども食堂を開きたい", description="週に一度"
        )
    writes = [q["sql"] for q in ctx.captured_queries]
    # 21 before decision 0026 (a lookup and two savepoints per reminder), 9 before decision
    # 0028 (the token was looked up first; the unique index now decides; the author's notice
    # and the coordinators' reminders were an insert each).
    assert len(writes) <= 7, writes
    assert len([q for q in writes if q.startswith('INSERT INTO "reminders_reminder"')]) == 1
    assert not [q for q in writes if q.startswith("SELECT") and "projects_idea" in q]
    assert not [q for q in writes if "directory_theme" in q]  # no themes chosen: no look-up
    assert idea.status == Idea.Status.RECEIVED
    assert IdeaEvent.objects.filter(idea=idea, to_status=Idea.Status.RECEIVED).count() == 1
    keys = set(Reminder.objects.values_list("idempotency_key", flat=True))
    event = IdeaEvent.objects.get(idea=idea)
    assert f"idea:{idea.pk}:event:{event.pk}" in keys
    ack = {k for k in keys if k.startswith(f"idea:{idea.pk}:ack:")}
    assert ack and len(ack) == len(set(ack))


def test_themes_are_kept_and_the_same_token_gives_the_same_idea(
    role_users: Any, theme: Any
) -> None:
    token = uuid.uuid4()
    first = idea_create(
        by=role_users["resident"],
        kind="want",
        title="テーマつき",
        description="説明",
        themes=[theme],
        submission_token=token,
    )
    again = idea_create(
        by=role_users["resident"],
        kind="want",
        title="テーマつき",
        description="説明",
        themes=[theme],
        submission_token=token,
    )
    assert again.pk == first.pk
    assert list(first.themes.all()) == [theme]
    assert Idea.objects.filter(submission_token=token).count() == 1


def test_a_bad_idea_is_still_refused_by_its_own_rules(role_users: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        idea_create(by=role_users["resident"], kind="want", title="", description="説明")
    assert not Idea.objects.filter(description="説明").exists()


def test_the_same_form_posted_again_stores_nothing_new(role_users: Any) -> None:
    """Without a look-up first, a second post of the same form is refused by the token's
    unique index: the first idea comes back, and no second idea, event or reminder is kept."""
    token = uuid.uuid4()
    fields = {"kind": "want", "title": "二度押し", "description": "説明", "submission_token": token}
    first = idea_create(by=role_users["resident"], **fields)  # type: ignore[arg-type]
    counts = (Idea.objects.count(), IdeaEvent.objects.count(), Reminder.objects.count())
    again = idea_create(by=role_users["resident"], **fields)  # type: ignore[arg-type]
    assert again.pk == first.pk
    assert (Idea.objects.count(), IdeaEvent.objects.count(), Reminder.objects.count()) == counts


def test_a_conflict_that_is_not_the_token_is_not_hidden(
    role_users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a taken token returns an earlier idea; any other refusal of the insert is raised."""
    from django.db import IntegrityError

    from projects import services

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("another constraint")

    monkeypatch.setattr(services, "_receive", refuse)
    with pytest.raises(IntegrityError):
        idea_create(
            by=role_users["resident"],
            kind="want",
            title="別の衝突",
            description="説明",
            submission_token=uuid.uuid4(),
        )
    assert not Idea.objects.filter(title="別の衝突").exists()


def test_the_reminders_stored_together_are_whole(role_users: Any) -> None:
    """The notice and the acknowledgement reminders inserted in one statement carry what one
    by one they carried: their kinds, keys, due times, message ids, recipients and object."""
    from datetime import timedelta

    from django.utils import timezone

    from projects import conf
    from projects.policies import IDEA_NOTICE, ack_reminder_recipient_ids

    before = timezone.now()
    idea = idea_create(by=role_users["resident"], kind="want", title="まとめて", description="説明")
    rows = {r.idempotency_key: r for r in Reminder.objects.filter(object_id=str(idea.pk))}
    event = IdeaEvent.objects.get(idea=idea)
    notice = rows.pop(f"idea:{idea.pk}:event:{event.pk}")
    assert notice.kind == IDEA_NOTICE and notice.recipient_id == role_users["resident"].pk
    assert before <= notice.due_at <= timezone.now()
    assert notice.status == Reminder.Status.PENDING and notice.message_id and notice.pk
    coordinators = set(ack_reminder_recipient_ids())
    assert coordinators and {r.recipient_id for r in rows.values()} == coordinators
    due = idea.created_at + timedelta(days=conf.ack_days() - conf.ack_reminder_days_before())
    for key, reminder in rows.items():
        assert key == f"idea:{idea.pk}:ack:{reminder.recipient_id}"
        assert reminder.kind == "idea_ack" and reminder.due_at == due and reminder.message_id


def test_an_idea_entered_on_behalf_tells_the_email_given(role_users: Any) -> None:
    idea = idea_create(
        by=role_users["coordinator"],
        kind="want",
        title="電話で聞き取り",
        description="説明",
        on_behalf=True,
        on_behalf_name="町田 花子",
        on_behalf_contact="hanako@example.jp",
    )
    event = IdeaEvent.objects.get(idea=idea)
    notice = Reminder.objects.get(idempotency_key=f"idea:{idea.pk}:event:{event.pk}")
    assert notice.recipient_id is None and notice.recipient_email == "hanako@example.jp"
