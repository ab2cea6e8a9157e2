"""Reminders and notifications about case work carry no case text (#11, finding 7): a neutral
line and a link to the page, which does its own access check. They are emailed, and they reach
staff who may no longer open the page (an external participant after its window)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from consultations import services
from consultations.models import Conference, SheetStatus
from consultations.selectors import agency_of, conferences_visible_to
from directory.models import Organization, Role
from reminders.models import Notification, Reminder
from reminders.services import reminders_send_due
from tests.factories import (
    ConferenceFactory,
    MembershipFactory,
    NotificationFactory,
    OutreachFactory,
    SheetFactory,
    TroubleIdeaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TASK_TEXT = "山本キヨさん宅に訪問"
TITLE = "山本さん世帯の支援方針"


def _hospital_staff() -> tuple[Organization, Any]:
    hospital = Organization.objects.get(name="町田みなみ病院 地域連携室")
    user = UserFactory(email="staff.hospital@example.jp")
    MembershipFactory(user=user, organization=hospital, role=Role.CONSULTATION_STAFF)
    return hospital, user


def test_task_for_a_participant_whose_window_closed_reaches_it_without_the_task_text(
    users: dict[str, Any], mailoutbox_clear: None
) -> None:
    hospital, hospital_staff = _hospital_staff()
    held = timezone.localdate() - timedelta(days=40)
    conference = ConferenceFactory(title=TITLE, held_on=held)
    # The hospital's 30-day window has closed: the conference no longer exists for it.
    assert not conferences_visible_to(hospital_staff).filter(pk=conference.pk).exists()
    convener = agency_of(users["staff_elderly"])
    assert convener is not None
    services.conference_task_add(
        conference=conference,
        by=users["staff_elderly"],
        agency=convener,
        organization=hospital,
        description=TASK_TEXT,
        due_on=timezone.localdate() + timedelta(days=1),
    )
    reminder = Reminder.objects.get(kind="consultations.conference_task")
    assert reminder.recipient == hospital_staff
    assert TASK_TEXT not in reminder.subject + reminder.body
    assert f"#{conference.pk}" in reminder.body
    assert reminders_send_due(now=timezone.now() + timedelta(days=2)) == 1
    (message,) = mail.outbox
    assert TASK_TEXT not in f"{message.subject} {message.body}"
    assert f"/consultations/conferences/{conference.pk}/" in message.body
    notification = Notification.objects.get(recipient=hospital_staff)
    assert TASK_TEXT not in notification.subject + notification.body


def test_review_reminder_carries_the_conference_number_not_its_title(
    users: dict[str, Any],
) -> None:
    conference = ConferenceFactory(title=TITLE)
    agency = agency_of(users["staff_elderly"])
    assert agency is not None
    services.conference_record(
        conference=conference,
        by=users["staff_elderly"],
        agency=agency,
        assessment="",
        direction="",
        decision=Conference.Decision.CONTINUE,
        next_review_on=date.today() + timedelta(days=30),
    )
    reminder = Reminder.objects.get(kind="consultations.conference_review")
    assert TITLE not in reminder.subject + reminder.body
    assert f"#{conference.pk}" in reminder.body


def test_no_reminder_the_consultations_app_schedules_carries_case_text(
    users: dict[str, Any],
) -> None:
    """Walk every flow that schedules or notifies, then read every stored text."""
    secrets = [
        "町田",  # the person's name in ConsultationFactory
        "まちだ たろう",
        "息子",
        "ひきこもり",
        "介護",
        TASK_TEXT,
        TITLE,
        "青い屋根",
        "山田 花子",
    ]
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    services.sheet_transition(
        sheet_id=sheet.pk,
        to=SheetStatus.FIRST_CONTACT,
        by=users["staff_disability"],
        agency=agency_of(users["staff_disability"]),  # type: ignore[arg-type]
        contact_on=timezone.localdate(),
        contact_method="phone",
        note="ひきこもりの息子さんと電話で話しました",
    )
    conference = ConferenceFactory(title=TITLE)
    agency = agency_of(users["staff_elderly"])
    disability = agency_of(users["staff_disability"])
    assert agency is not None and disability is not None
    services.conference_record(
        conference=conference,
        by=users["staff_elderly"],
        agency=agency,
        assessment="介護",
        direction="",
        decision=Conference.Decision.CONTINUE,
        next_review_on=date.today() + timedelta(days=30),
    )
    services.conference_task_add(
        conference=conference,
        by=users["staff_elderly"],
        agency=agency,
        organization=disability,
        description=TASK_TEXT,
        due_on=date.today() + timedelta(days=7),
    )
    case = OutreachFactory()
    services.outreach_attempt_add(
        case=case, by=users["cwc"], on=timezone.localdate(), method="visit", reached=False
    )
    services.outreach_convert(
        case=case,
        by=users["cwc"],
        agency=agency,
        person_name="山田 花子",
        consent_method="verbal",
    )
    idea = TroubleIdeaFactory()
    services.idea_pass_to_agency(
        idea=idea,
        agency=agency,
        by=users["coordinator"],
        person_name="山田 花子",
        consent_method="verbal",
    )
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert {"consultations.sheet_deadline", "consultations.conference_task"} <= kinds
    for reminder in Reminder.objects.filter(url__startswith="/consultations/"):
        text = reminder.subject + reminder.body
        for secret in secrets:
            assert secret not in text, (reminder.kind, secret)


def test_migration_takes_case_text_out_of_stored_conference_reminders(
    users: dict[str, Any],
) -> None:
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    migration = importlib.import_module(
        "consultations.migrations.0010_case_text_out_of_stored_texts"
    )
    conference = ConferenceFactory(title=TITLE)
    due_on = timezone.localdate() + timedelta(days=7)
    old = Reminder.objects.create(
        kind="consultations.conference_task",
        idempotency_key="conference-task:1:1",
        recipient=users["staff_disability"],
        due_at=services._morning_before(due_on),
        subject="会議で決まった役割の期限が近づいています",
        body=f"「{TASK_TEXT}」の期限は {due_on.isoformat()} です。",
        content_type=ContentType.objects.get_for_model(Conference),
        object_id=str(conference.pk),
        status=Reminder.Status.SENT,
    )
    NotificationFactory(
        recipient=users["staff_disability"], reminder=old, subject=old.subject, body=old.body
    )
    migration.scrub_conference_reminders(apps, None)
    old.refresh_from_db()
    assert old.body == f"多機関協働会議 #{conference.pk} で決まった役割の期限は {due_on} です。"
    assert Notification.objects.get(reminder=old).body == old.body


def test_migration_drops_a_name_the_consent_no_longer_covers_from_sheet_search(
    users: dict[str, Any],
) -> None:
    import importlib

    from django.apps import apps

    from consultations.models import Consultation, TsunaguSheet
    from consultations.selectors import incoming_sheets

    migration = importlib.import_module(
        "consultations.migrations.0010_case_text_out_of_stored_texts"
    )
    sheet = SheetFactory(status=SheetStatus.SENT)
    # Narrowed before this release: the stored search document still held the name.
    Consultation.objects.filter(pk=sheet.consultation_id).update(consent_fields=["troubles"])
    receiver = users["staff_disability"]
    assert incoming_sheets(receiver, query="まちだ").filter(pk=sheet.pk).exists()
    migration.rebuild_sheet_search_documents(apps, None)
    assert not incoming_sheets(receiver, query="まちだ").exists()
    assert TsunaguSheet.objects.get(pk=sheet.pk).search_document  # the reason is kept
