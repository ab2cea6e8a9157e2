from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from directory.models import District, Organization
from indicators.models import Indicator, Measurement
from indicators.registry import ComputedIndicator, register, unregister
from indicators.services import indicators_compute, indicators_compute_current
from indicators.tasks import compute_indicators
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def test_compute_stores_city_wide_and_per_district_values(demo: Any, fake_kpi: Any) -> None:
    result = indicators_compute(fiscal_year=2025)
    ind = Indicator.objects.get(code=fake_kpi.code)
    assert ind.source == "computed" and ind.kind == "operational"
    city = Measurement.objects.get(indicator=ind, district=None)
    assert city.value == Organization.objects.count()
    districts = District.objects.filter(is_active=True).count()
    assert Measurement.objects.filter(indicator=ind, district__isnull=False).count() == districts
    assert result.stored >= districts + 1
    assert city.as_of is not None and city.status == "draft"


def test_compute_twice_changes_nothing_but_the_as_of_time(demo: Any, fake_kpi: Any) -> None:
    first = datetime(2025, 6, 1, 3, 0, tzinfo=TOKYO)
    second = datetime(2025, 6, 2, 3, 0, tzinfo=TOKYO)
    indicators_compute(fiscal_year=2025, as_of=first)
    count = Measurement.objects.count()
    changes = sum(m.changes.count() for m in Measurement.objects.all())
    indicators_compute(fiscal_year=2025, as_of=second)
    assert Measurement.objects.count() == count
    assert sum(m.changes.count() for m in Measurement.objects.all()) == changes
    assert set(Measurement.objects.values_list("as_of", flat=True)) == {second}


def test_a_new_number_is_recorded_in_the_history(demo: Any, fake_kpi: Any) -> None:
    indicators_compute(fiscal_year=2025)
    OrganizationFactory(name="新しい団体", kind=Organization.Kind.NPO)
    indicators_compute(fiscal_year=2025)
    city = Measurement.objects.get(indicator__code=fake_kpi.code, district=None)
    assert city.changes.filter(reason="自動集計").exclude(old_value=None).count() == 1


def test_plan_code_registered_by_another_app_appears_without_change(
    demo: Any, registered_ii1: Any, client: Any
) -> None:
    indicators_compute(fiscal_year=2024)
    ii1 = Measurement.objects.get(indicator__code="II-1", district=None, fiscal_year=2024)
    assert ii1.value == 120
    # The plan's definition is kept (not replaced by the registry's names).
    assert Indicator.objects.get(code="II-1").kind == "plan"


def test_unregistered_computed_indicator_shows_not_yet_available(
    client: Any, role_users: dict[str, Any]
) -> None:
    Indicator.objects.create(
        code="OP-NOT-REGISTERED",
        name_ja="未登録",
        unit="cases",
        source="computed",
        kind="operational",
    )
    client.force_login(role_users["city"])
    html = client.get(reverse("indicators:dashboard")).content.decode()
    assert "まだ集計できません" in html


def test_failing_computation_is_skipped_and_others_still_stored(demo: Any, fake_kpi: Any) -> None:
    def boom(fy: int, district: Any) -> int:
        raise RuntimeError("broken app")

    register(ComputedIndicator("OP-BROKEN-TEST", "壊れた指標", "Broken", "cases", boom))
    try:
        result = indicators_compute(fiscal_year=2025)
    finally:
        unregister("OP-BROKEN-TEST")
    assert "OP-BROKEN-TEST" in result.skipped
    assert Measurement.objects.filter(indicator__code=fake_kpi.code).exists()


def test_computed_count_links_to_the_list_behind_it(
    client: Any, role_users: dict[str, Any], fake_kpi: Any
) -> None:
    indicators_compute(fiscal_year=2025)
    client.force_login(role_users["city"])
    html = client.get(
        reverse("indicators:indicator_detail", kwargs={"code": fake_kpi.code})
    ).content.decode()
    assert "/directory/organizations/?fiscal_year=2025" in html


def test_city_staff_compute_on_demand(
    client: Any, role_users: dict[str, Any], fake_kpi: Any
) -> None:
    client.force_login(role_users["city"])
    response = client.post(reverse("indicators:compute"), {"fiscal_year": "2025"}, follow=True)
    assert "集計しました" in response.content.decode()
    assert Measurement.objects.filter(indicator__code=fake_kpi.code, fiscal_year=2025).exists()
    response = client.post(reverse("indicators:compute"), {"fiscal_year": "2040"}, follow=True)
    assert "計画期間" in response.content.decode()
    assert not Measurement.objects.filter(fiscal_year=2040).exists()


def test_nightly_task_computes_the_current_year_and_is_idempotent(demo: Any, fake_kpi: Any) -> None:
    first = compute_indicators()
    count = Measurement.objects.count()
    assert first > 0 and count > 0
    compute_indicators()
    assert Measurement.objects.count() == count


def test_in_april_the_previous_year_is_computed_too(demo: Any, fake_kpi: Any) -> None:
    indicators_compute_current(now=datetime(2026, 4, 10, 3, 0, tzinfo=TOKYO))
    years = set(Measurement.objects.values_list("fiscal_year", flat=True))
    assert years == {2025, 2026}
