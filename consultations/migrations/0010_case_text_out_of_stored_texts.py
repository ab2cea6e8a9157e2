"""Issue #11: take case text out of what is already stored.

- Conference reminders (and the notifications they made) carried a task's text or the
  conference's title; they now carry the conference number and the day only.
- A tsunagu sheet's search document held the person's name even when the consent no longer
  covered it; it now holds only the fields the consent covers (the receiver's name search).
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

TEXTS = {
    "consultations.conference_task": "多機関協働会議 #{id} で決まった役割の期限は {day} です。",
    "consultations.conference_review": "多機関協働会議 #{id} の見直し日は {day} です。",
}


def scrub_conference_reminders(apps, schema_editor):
    Reminder = apps.get_model("reminders", "Reminder")
    Notification = apps.get_model("reminders", "Notification")
    for kind, text in TEXTS.items():
        for reminder in Reminder.objects.filter(kind=kind).iterator():
            # Both are scheduled for the morning before the day.
            day = timezone.localtime(reminder.due_at).date() + timedelta(days=1)
            body = text.format(id=reminder.object_id, day=day.isoformat())
            Reminder.objects.filter(pk=reminder.pk).update(body=body)
            Notification.objects.filter(reminder_id=reminder.pk).update(body=body)


def rebuild_sheet_search_documents(apps, schema_editor):
    from directory.search import search_document

    TsunaguSheet = apps.get_model("consultations", "TsunaguSheet")
    sheets = TsunaguSheet.objects.filter(legal_basis="consent").select_related("consultation")
    for sheet in sheets.iterator(chunk_size=2000):
        c = sheet.consultation
        parts = [sheet.reason]
        if "name" in sheet.shared_fields and "name" in (c.consent_fields or []):
            parts += [c.person_name, c.person_kana]
        document = search_document(*parts)
        if document != sheet.search_document:
            TsunaguSheet.objects.filter(pk=sheet.pk).update(search_document=document)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0009_accesslog_list_action"),
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(scrub_conference_reminders, migrations.RunPython.noop),
        migrations.RunPython(rebuild_sheet_search_documents, migrations.RunPython.noop),
    ]
