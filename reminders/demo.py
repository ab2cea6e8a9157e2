"""Demo notifications: the demo resident has a history of them, as a resident who has used
the portal for a while would (the other apps' demo data does not replay its notifications).

Small: 30 (the newest 5 unread), so the list has two pages. Large: 2,000, so the benchmark
measures the notifications page with a full page to show at both scales.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from .models import Notification
from .selectors import unread_count_changed

SMALL, LARGE, UNREAD = 30, 2_000, 5

MESSAGES = [
    ("アイデア「{n}」の状況：受け付けました", "コーディネーターが内容を確認しています。"),
    ("アイデア「{n}」の状況：コーディネート中", "関心のある団体に声をかけています。"),
    ("アイデア「{n}」にコーディネーターから返信", "一度お話を聞かせてください。"),
    ("セッションのお知らせ：{n}", "明後日 14:00 から開かれます。"),
]
TOPICS = ["子ども食堂", "朝のラジオ体操", "防災マップ", "読み聞かせの会", "買い物の送迎"]


def seed(ctx: Any) -> None:
    resident = ctx.users.get("resident@example.jp")
    if resident is None:
        return
    # Demo notifications are the resident's ones without a reminder behind them: every real
    # one comes from the outbox.
    Notification.objects.filter(recipient=resident, reminder__isnull=True).delete()
    total = LARGE if ctx.large else SMALL
    now = timezone.now()
    url = reverse("projects:idea_mine")
    times = [now - timedelta(hours=6 * n + 1) for n in range(total)]  # newest first
    rows = []
    for n, at in enumerate(times):
        subject, body = MESSAGES[n % len(MESSAGES)]
        topic = TOPICS[n % len(TOPICS)]
        rows.append(
            Notification(
                recipient=resident,
                subject=subject.format(n=topic),
                body=body,
                url=url,
                read_at=None if n < UNREAD else at + timedelta(hours=2),
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    # created_at is set on insert (auto_now_add): spread the history over time afterwards.
    for row, at in zip(created, times, strict=True):
        row.created_at = at
    Notification.objects.bulk_update(created, ["created_at"], batch_size=1000)
    unread_count_changed(resident.pk)
    ctx.out.write(f"    {total} notifications for the demo resident")
