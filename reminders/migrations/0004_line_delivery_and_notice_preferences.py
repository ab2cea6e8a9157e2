"""Reminders on LINE (issue 15): each row's own LINE retry key, how it went out, the LINE
error when it fell back to email; and each person's channel per group of notices."""

from typing import Any


import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def give_rows_their_retry_keys(apps: Any, schema_editor: Any) -> None:
    Reminder = apps.get_model("reminders", "Reminder")
    batch = []
    for row in Reminder.objects.only("pk").iterator():
        row.line_retry_key = uuid.uuid4()
        batch.append(row)
        if len(batch) >= 1000:
            Reminder.objects.bulk_update(batch, ["line_retry_key"])
            batch = []
    if batch:
        Reminder.objects.bulk_update(batch, ["line_retry_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_reminder_message_id_and_calendar"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="delivered_by",
            field=models.CharField(blank=True, max_length=20, verbose_name="送信経路"),
        ),
        migrations.AddField(
            model_name="reminder",
            name="line_error",
            field=models.TextField(blank=True, verbose_name="LINEのエラー"),
        ),
        # Added empty for the rows there are (a callable default would give them all one key,
        # and LINE would take the second reminder for a retry of the first), one key per row,
        # then required.
        migrations.AddField(
            model_name="reminder",
            name="line_retry_key",
            field=models.UUIDField(null=True, editable=False, verbose_name="LINE再送キー"),
        ),
        migrations.RunPython(give_rows_their_retry_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reminder",
            name="line_retry_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="LINE再送キー"),
        ),
        migrations.CreateModel(
            name="NoticePreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "group",
                    models.CharField(
                        choices=[
                            ("ideas", "アイデア・提案のお知らせ"),
                            ("sessions", "フューチャーセッション・会議のお知らせ"),
                            ("projects", "プロジェクト・マッチングのお知らせ"),
                        ],
                        max_length=20,
                        verbose_name="お知らせの種類",
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "メール"), ("line", "LINE"), ("both", "メールとLINE")],
                        default="email",
                        max_length=10,
                        verbose_name="受け取り方",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notice_preferences",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="利用者",
                    ),
                ),
            ],
            options={
                "verbose_name": "お知らせの受け取り方",
                "verbose_name_plural": "お知らせの受け取り方",
                "constraints": [
                    models.UniqueConstraint(fields=("user", "group"), name="notice_preference_once")
                ],
            },
        ),
    ]
