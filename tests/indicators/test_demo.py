from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from indicators.demo import seed
from indicators.models import Indicator, Measurement, Target, last_survey_year
from indicators.services import indicator_update, measurement_record

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[Any, ...]]:
    rows = Measurement.objects.values_list(
        "indicator__code", "fiscal_year", "district_id", "value", "status", "is_demo"
    )
    return sorted(rows, key=lambda r: (r[0], r[1], r[2] or 0))


def test_demo_seed_is_idempotent_and_marked_demo(demo: Any, fake_kpi: Any) -> None:
    seed(demo)
    first = _snapshot()
    targets = sorted(Target.objects.values_list("indicator__code", "fiscal_year", "value"))
    seed(demo)
    assert _snapshot() == first
    assert sorted(Target.objects.values_list("indicator__code", "fiscal_year", "value")) == targets
    survey_years = {y for c, y, *_ in first if c == "I-2"}
    assert survey_years == set(range(2022, min(last_survey_year(), 2031) + 1))
    assert all(row[-1] for row in first)
    assert Indicator.objects.get(code="I-2").baseline_is_demo
    # Computed values come from whatever is registered.
    assert any(c == fake_kpi.code for c, *_ in first)


def test_demo_seed_keeps_real_values_and_baselines(demo: Any) -> None:
    city = demo.users["city@example.jp"]
    ind = Indicator.objects.get(code="I-2")
    indicator_update(
        indicator=ind,
        fields={"baseline_fiscal_year": 2022, "baseline_value": Decimal("28")},
        targets=[(2031, Decimal("40"))],
    )
    measurement_record(indicator=ind, fiscal_year=2024, district=None, value=31, by=city)
    seed(demo)
    ind.refresh_from_db()
    assert ind.baseline_value == Decimal("28.00") and not ind.baseline_is_demo
    assert Target.objects.get(indicator=ind, fiscal_year=2031).value == Decimal("40.00")
    real = Measurement.objects.get(indicator=ind, fiscal_year=2024, district=None)
    assert real.value == Decimal("31.00") and not real.is_demo


def test_benchmark_command_runs_and_cleans_up(demo: Any) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("indicators_benchmark", fake=1, repeat=1, stdout=out)
    assert "compute FY" in out.getvalue() and "/indicators/open/" in out.getvalue()
    assert not Indicator.objects.filter(code__startswith="OP-BENCH-").exists()
