"""``python manage.py bench_projects [--n 50]``: time the idea board, the coordinator inbox,
a project page and an idea submission in-process (Django test client, full middleware) on
whatever data set is loaded — run it after ``seed_demo --scale large``. Prints the median
and 95th percentile per page and the number of queries of one request.

Run it with ``REQUIRE_STAFF_MFA=0 EMAIL_URL=locmem://`` so the coordinator is not sent to
set up two-factor sign-in and the receipts of test submissions are not printed.

This measures the application (views, templates, queries), not a web server; see
STACK-NOTES for gunicorn figures on this machine.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from accounts.models import User
from projects.models import Idea, Project


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Time the main pages of the ideas app on the loaded data set."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--n", type=int, default=50, help="requests per page")

    def handle(self, *args: Any, n: int, **options: Any) -> None:
        try:
            resident = User.objects.get(email="resident@example.jp")
            coordinator = User.objects.get(email="coordinator@example.jp")
        except User.DoesNotExist as exc:
            raise CommandError("run seed_demo first") from exc
        project = Project.objects.order_by("-pk").first()
        if project is None:
            raise CommandError("no projects: run seed_demo --scale large first")
        anon, res, coord = Client(), Client(), Client()
        res.force_login(resident)
        coord.force_login(coordinator)
        self.stdout.write(
            f"data: {Idea.objects.count()} ideas, {Project.objects.count()} projects; n={n}"
        )
        submitted: list[int] = []

        def submit() -> Any:
            response = res.post(
                "/ideas/new/",
                {
                    "submission_token": str(uuid.uuid4()),
                    "kind": "want",
                    "title": "ベンチマークのアイデア",
                    "description": "計測用",
                    "contact_method": "portal",
                },
            )
            submitted.append(1)
            return response

        cases: list[tuple[str, Callable[[], Any]]] = [
            ("idea board (anonymous)", lambda: anon.get("/ideas/")),
            ("idea board, search 介護", lambda: anon.get("/ideas/?q=介護")),
            ("idea board page 50", lambda: anon.get("/ideas/?page=50")),
            ("coordinator inbox", lambda: coord.get("/ideas/inbox/")),
            ("inbox, status filter", lambda: coord.get("/ideas/inbox/?status=received")),
            ("project page", lambda: anon.get(f"/ideas/projects/{project.pk}/")),
            ("idea submission (POST)", submit),
        ]
        try:
            for name, call in cases:
                call()  # warm up
                counter = _QueryCounter()
                with connection.execute_wrapper(counter):
                    status = call().status_code
                times = []
                for _ in range(n):
                    start = time.perf_counter()
                    call()
                    times.append((time.perf_counter() - start) * 1000)
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                self.stdout.write(
                    f"{name:28s} status {status}  median {statistics.median(times):6.1f} ms"
                    f"  p95 {p95:6.1f} ms  queries {counter.count}"
                )
        finally:
            Idea.objects.filter(title="ベンチマークのアイデア").delete()
