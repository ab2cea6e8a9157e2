"""The reminders mechanism against real Celery workers and Redis, on PostgreSQL.

Workers are separate processes that share the test database, so these tests commit
(``transaction=True``) and need PostgreSQL: SQLite's in-memory test database is private.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from reminders.models import Notification, Reminder
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


class Workers:
    def __init__(self, redis_url: str, tmp: Path) -> None:
        self.redis_url = redis_url
        self.tmp = tmp
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> Path:
        outbox = self.tmp / f"mail-{name}"
        outbox.mkdir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "machida_portal.settings.test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.redis_url,
            "CELERY_EAGER": "0",
            "EMAIL_URL": f"file://{outbox}",
        }
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "machida_portal",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "-n",
                f"{name}-{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return outbox

    def send(self, count: int) -> None:
        from celery import Celery

        client = Celery(broker=self.redis_url)
        for _ in range(count):
            client.send_task("reminders.tasks.send_due_reminders", queue=self.queue)
        client.close()

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def workers(redis_url: str, postgres: None, tmp_path: Path) -> Iterator[Workers]:
    w = Workers(redis_url, tmp_path)
    yield w
    w.stop()


def _wait_until_sent(total: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Reminder.objects.filter(status=Reminder.Status.SENT).count() >= total:
            return
        time.sleep(0.5)
    pending = Reminder.objects.exclude(status=Reminder.Status.SENT).count()
    raise AssertionError(f"{pending} reminders still not sent after {timeout}s")


def _message_ids(outboxes: list[Path]) -> list[str]:
    ids = []
    for outbox in outboxes:
        for path in outbox.iterdir():
            # The file backend appends every message of a connection, separated by a rule.
            for chunk in path.read_text().split("-" * 79):
                if chunk.strip():
                    ids.append(email.message_from_string(chunk.strip())["Message-ID"])
    return ids


def _due_reminders(n: int, users: list[Any]) -> None:
    now = timezone.now() - timedelta(seconds=1)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind="test",
                idempotency_key=f"bulk-{i}",
                recipient=users[i % len(users)],
                due_at=now,
                subject=f"件名{i}",
                body="本文",
            )
            for i in range(n)
        ]
    )


def test_two_workers_send_every_reminder_exactly_once(workers: Workers) -> None:
    users = [UserFactory() for _ in range(5)]
    total = 300
    _due_reminders(total, users)
    outboxes = [workers.start("w1"), workers.start("w2")]
    workers.send(6)  # several overlapping runs, as beat would trigger them
    _wait_until_sent(total)
    time.sleep(1)  # let any straggler finish before counting
    ids = _message_ids(outboxes)
    assert len(ids) == total, f"{len(ids)} emails for {total} reminders"
    assert len(set(ids)) == total
    assert Notification.objects.count() == total
    assert all(list(o.iterdir()) for o in outboxes), "both workers should have taken rows"


def test_with_redis_down_a_submission_is_stored_and_sent_once_redis_is_back(
    workers: Workers, client: Any
) -> None:
    from machida_portal.celery import app as celery_app

    user = UserFactory()
    client.force_login(user)
    # A broker that is down: nothing listens on this port.
    old = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    try:
        started = time.monotonic()
        response = client.post("/me/", {"display_name": "新しい名前"})
        from reminders.services import notify

        notify(recipient=user, key="while-redis-down", subject="届きました")
        elapsed = time.monotonic() - started
    finally:
        celery_app.conf.update(broker_url=old[0], task_always_eager=old[1])
    assert response.status_code == 302
    assert elapsed < 2, f"the request waited {elapsed:.1f}s on the broker"
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 1
    # Redis is back: the worker run that beat triggers sends it, once.
    outbox = workers.start("w1")
    workers.send(2)
    _wait_until_sent(1)
    time.sleep(0.5)
    assert len(_message_ids([outbox])) == 1
