"""``python manage.py indicators_benchmark [--fake N] [--repeat R]``: the figures for the
issue's resolution, on whatever data the database holds (run ``seed_demo --scale large``).

``--fake N`` registers N benchmark indicators that aggregate over the user table (so the
nightly computation has work to do before the other apps register theirs); they and their
values are removed afterwards. Refuses to run under production settings.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from directory.fiscal import fiscal_year_datetimes, fiscal_year_of
from directory.models import Membership, Role

from ...models import Indicator
from ...registry import ComputedIndicator, register, unregister
from ...services import indicators_compute


def _joined(fiscal_year: int, district: Any) -> int:
    start, end = fiscal_year_datetimes(fiscal_year)
    qs = User.objects.filter(date_joined__gte=start, date_joined__lt=end)
    if district is not None:
        qs = qs.filter(memberships__organization__districts=district)
    return int(qs.aggregate(n=Count("id", distinct=True))["n"])


class Command(BaseCommand):
    help = "Time the nightly computation, the overview, indicator pages and open data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fake", type=int, default=11)
        parser.add_argument("--repeat", type=int, default=10)

    def handle(self, *args: Any, fake: int, repeat: int, **options: Any) -> None:
        if settings.SETTINGS_MODULE.endswith(".prod"):
            raise CommandError("indicators_benchmark refuses to run under production settings.")
        year = min(max(fiscal_year_of(timezone.now()), 2022), 2031)
        codes = [f"OP-BENCH-{i}" for i in range(fake)]
        for code in codes:
            register(ComputedIndicator(code, code, code, "persons", _joined))
        try:
            started = time.monotonic()
            result = indicators_compute(fiscal_year=year)
            first = time.monotonic() - started
            started = time.monotonic()
            indicators_compute(fiscal_year=year)
            again = time.monotonic() - started
            self.stdout.write(
                f"compute FY{year}: {result.stored} values in {first:.2f} s, rerun {again:.2f} s"
            )
            staff = (
                Membership.objects.filter(role=Role.CITY_STAFF, is_active=True)
                .select_related("user")
                .first()
            )
            client = Client()
            kpi_pages = ["/indicators/", "/indicators/i/I-2/", "/indicators/i/OP-SHEETS-SENT/"]
            pages = [
                *kpi_pages,
                "/indicators/open/",
                "/indicators/export.csv",
                "/indicators/export.json",
            ]
            self._time(client, pages, repeat, "anonymous")
            if staff is not None:
                client.force_login(staff.user)
                self._time(client, kpi_pages, repeat, "city staff")
        finally:
            for code in codes:
                unregister(code)
            Indicator.objects.filter(code__in=codes).delete()

    def _time(self, client: Client, paths: list[str], repeat: int, who: str) -> None:
        for path in paths:
            client.get(path, HTTP_HOST="127.0.0.1")
            started = time.monotonic()
            with CaptureQueriesContext(connection) as queries:
                for _ in range(repeat):
                    response = client.get(path, HTTP_HOST="127.0.0.1")
            per = (time.monotonic() - started) / repeat * 1000
            self.stdout.write(
                f"{path} ({who}): {response.status_code}, {per:.0f} ms, "
                f"{len(queries) // repeat} queries, {len(response.content) // 1024} KB"
            )
