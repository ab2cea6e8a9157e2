from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from indicators.definitions import ensure_definitions
from indicators.models import Indicator, Measurement
from indicators.services import indicators_compute, measurement_record


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_cell_leave_one_row(postgres: Any, demo: Any) -> None:
    ensure_definitions()
    city = demo.users["city@example.jp"]
    ind = Indicator.objects.get(code="I-2")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            measurement_record(
                indicator=ind, fiscal_year=2025, district=None, value=40, by=city, reason="同時"
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Measurement.objects.filter(indicator=ind, fiscal_year=2025).count() == 1


@pytest.mark.django_db(transaction=True)
def test_nightly_and_on_demand_computation_at_once(postgres: Any, demo: Any, fake_kpi: Any) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            indicators_compute(fiscal_year=2025)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = Measurement.objects.filter(indicator__code=fake_kpi.code, fiscal_year=2025)
    assert rows.filter(district=None).count() == 1
