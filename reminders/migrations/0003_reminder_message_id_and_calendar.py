"""Each reminder keeps its own globally unique Message-ID and, for session notices, the
calendar object sent with it (issue 14)."""

from typing import Any

from django.db import migrations, models

import machida_portal.mail


def give_unsent_rows_their_ids(apps: Any, schema_editor: Any) -> None:
    # Rows that may still go out get one id each; sent and cancelled rows keep "" (never sent
    # again, so no id is needed).
    Reminder = apps.get_model("reminders", "Reminder")
    batch = []
    for row in Reminder.objects.filter(status__in=["pending", "failed"]).only("pk").iterator():
        row.message_id = machida_portal.mail.new_message_id()
        batch.append(row)
        if len(batch) >= 1000:
            Reminder.objects.bulk_update(batch, ["message_id"])
            batch = []
    if batch:
        Reminder.objects.bulk_update(batch, ["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_reminder_due_at_in_range_and_failed_index"),
    ]

    operations = [
        # Added with "" for the rows there are (a callable default would give them all one id),
        # then the default for new rows, then one id per row that may still be sent.
        migrations.AddField(
            model_name="reminder",
            name="message_id",
            field=models.CharField(
                blank=True, default="", max_length=255, verbose_name="メッセージID"
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="message_id",
            field=models.CharField(
                blank=True,
                default=machida_portal.mail.new_message_id,
                max_length=255,
                verbose_name="メッセージID",
            ),
        ),
        migrations.RunPython(give_unsent_rows_their_ids, migrations.RunPython.noop),
        migrations.AddField(
            model_name="reminder",
            name="calendar",
            field=models.TextField(blank=True, verbose_name="カレンダー"),
        ),
    ]
