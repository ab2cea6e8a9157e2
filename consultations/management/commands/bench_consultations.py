"""Time the agency inbox, a sheet page and a sheet transition on the current database
(load ``seed_demo --scale large`` first). In-process, with Django's test client."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from consultations import services
from consultations.models import SheetStatus, TsunaguSheet
from consultations.selectors import agency_of


class Command(BaseCommand):
    help = "Benchmark consultation pages on the loaded data set."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repeat", type=int, default=30)

    def _time(self, client: Client, url: str, repeat: int) -> tuple[float, float, int]:
        client.get(url)  # warm
        times = []
        count = [0]

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        # Counted with a wrapper: the request_started signal resets connection.queries.
        with connection.execute_wrapper(counter):
            client.get(url)
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        times.sort()
        return (
            statistics.median(times),
            times[int(len(times) * 0.95) - 1],
            count[0],
        )

    def handle(self, *args: Any, repeat: int, **options: Any) -> None:
        sender = User.objects.get(email="staff.elderly@example.jp")
        receiver = User.objects.get(email="staff.disability@example.jp")
        client = Client(HTTP_HOST="localhost")
        client.force_login(receiver)
        sheet = TsunaguSheet.objects.filter(receiver=agency_of(receiver)).order_by("-id").first()
        if sheet is None:
            raise CommandError("no sheets: load seed_demo --scale large first")
        pages = {
            "inbox incoming": reverse("consultations:inbox") + "?tab=incoming",
            "inbox incoming, urgency+state": reverse("consultations:inbox")
            + "?tab=incoming&status=sent&urgency=high",
            "inbox incoming, search (kana)": reverse("consultations:inbox")
            + "?tab=incoming&q=やまだ",
            "inbox consultations, page 50": reverse("consultations:inbox")
            + "?tab=consultations&page=50",
            "sheet page": reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk}),
        }
        self.stdout.write(
            f"{TsunaguSheet.objects.count()} sheets; receiver agency has "
            f"{TsunaguSheet.objects.filter(receiver=agency_of(receiver)).count()} incoming"
        )
        for name, url in pages.items():
            p50, p95, queries = self._time(client, url, repeat)
            self.stdout.write(f"{name:34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries")
        agency = agency_of(receiver)
        if agency is None:
            raise CommandError("the demo receiver has no agency")
        candidates = list(
            TsunaguSheet.objects.filter(receiver=agency, status=SheetStatus.SENT).values_list(
                "pk", flat=True
            )[:repeat]
        )
        times = []
        for pk in candidates:
            started = time.perf_counter()
            services.sheet_transition(
                sheet_id=pk, to=SheetStatus.RECEIVED, by=receiver, agency=agency
            )
            times.append((time.perf_counter() - started) * 1000)
        if times:
            self.stdout.write(
                f"{'transition sent → received':34} p50 {statistics.median(times):7.1f} ms "
                f"({len(times)} sheets)"
            )
        del sender
