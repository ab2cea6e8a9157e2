"""Registrant reminder keys without local times (issue 12).

Keys used to end in the session's start in whatever time zone the datetime had, so a move or
a cancellation could miss reminders scheduled under the other zone's key. New keys are
``session:<s>:registration:<r>:reminder:<h>h:<UTC>Z`` and are cancelled by prefix. This moves
pending reminders with an old key to the new shape when they still match the session as it
is (registered, session scheduled, due ``h`` hours before its start) and cancels the rest:
they are left over from a time the session no longer has, or duplicates.
"""

import re
from datetime import UTC, timedelta

from django.db import migrations

OLD_KEY = re.compile(r"^session:(\d+):registration:(\d+):(\d+)h:\d{12}$")


def rekey_registrant_reminders(apps, schema_editor):
    Reminder = apps.get_model("reminders", "Reminder")
    Registration = apps.get_model("future_sessions", "Registration")
    pending = Reminder.objects.filter(kind="future_session.registrant", status="pending")
    for reminder in pending.filter(idempotency_key__regex=r"^session:\d+:registration:\d+:\d+h:"):
        match = OLD_KEY.match(reminder.idempotency_key)
        if match is None:
            continue
        session_id, registration_id, hours = (int(g) for g in match.groups())
        registration = (
            Registration.objects.select_related("session")
            .filter(pk=registration_id, session_id=session_id)
            .first()
        )
        starts_at = registration.session.starts_at if registration is not None else None
        current = (
            registration is not None
            and registration.status == "registered"
            and registration.session.status == "scheduled"
            and reminder.due_at == starts_at - timedelta(hours=hours)
        )
        new_key = (
            f"session:{session_id}:registration:{registration_id}:reminder:{hours}h:"
            f"{starts_at.astimezone(UTC):%Y%m%dT%H%M}Z"
            if current
            else ""
        )
        if current and not Reminder.objects.filter(idempotency_key=new_key).exists():
            reminder.idempotency_key = new_key
            reminder.save(update_fields=["idempotency_key"])
        else:
            reminder.status = "cancelled"
            reminder.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [
        ("future_sessions", "0003_session_dates_and_numbers_in_range"),
        ("reminders", "0002_reminder_due_at_in_range_and_failed_index"),
    ]

    operations = [
        migrations.RunPython(rekey_registrant_reminders, migrations.RunPython.noop),
    ]
