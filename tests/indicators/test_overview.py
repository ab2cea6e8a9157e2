"""The overview (one row per indicator) and the one definition of an indicator's status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Measurement, Target, current_fiscal_year
from indicators.selectors import Progress, indicator_views, path_value
from indicators.services import measurement_record, measurements_publish

pytestmark = pytest.mark.django_db


def _add_indicators(n: int, start: int) -> None:
    """n more survey indicators, each with values for every year so far and a target."""
    years = range(2022, current_fiscal_year() + 1)
    for i in range(start, start + n):
        ind = Indicator.objects.create(
            code=f"OP-LOAD-{i}",
            name_ja=f"負荷{i}",
            unit="%",
            source="survey",
            kind="operational",
            baseline_fiscal_year=2022,
            baseline_value=10,
        )
        Target.objects.create(indicator=ind, fiscal_year=2031, value=50)
        Measurement.objects.bulk_create(
            Measurement(
                indicator=ind,
                fiscal_year=y,
                value=10 + y - 2022,
                source="survey",
                as_of="2025-01-01T00:00:00+09:00",
                status="published",
            )
            for y in years
        )


def _count(client: Any, url: str) -> int:
    from machida_portal.public_cache import public_cache_bump

    client.get(url)
    public_cache_bump("indicators")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["anonymous", "city"])
def test_overview_queries_do_not_grow_with_indicators_or_values(
    client: Any, role_users: dict[str, Any], who: str
) -> None:
    if who != "anonymous":
        client.force_login(role_users[who])
    url = reverse("indicators:dashboard")
    _add_indicators(3, 0)
    few = _count(client, url)
    _add_indicators(9, 3)
    many = _count(client, url)
    html = client.get(url).content.decode()
    assert html.count('<tr data-code="') == Indicator.objects.count()
    assert many == few, (few, many)


def test_overview_row_shows_latest_value_with_its_year_target_status_and_trend(
    client: Any, city: Any
) -> None:
    ind = Indicator.objects.get(code="I-2")
    ind.baseline_fiscal_year, ind.baseline_value = 2022, Decimal("30")
    ind.save()
    Target.objects.create(indicator=ind, fiscal_year=2031, value=48)
    for year, value in ((2023, 31), (2024, 34)):
        measurement_record(indicator=ind, fiscal_year=year, district=None, value=value, by=city)
    measurements_publish(indicator=ind, by=city)
    html = client.get(reverse("indicators:dashboard")).content.decode()
    row = html[html.index('<tr data-code="I-2">') :]
    row = row[: row.index("</tr>")]
    assert "34%" in row and "2024年度" in row
    assert "48%" in row and "2031年度" in row
    assert "道筋どおり" in row  # path: 30 + 18 × 2/9 = 34 in FY2024
    assert 'aria-label="推移：2023年度 31% → 2024年度 34%（2年分）"' in row
    assert 'href="/indicators/i/I-2/"' in row


def test_anonymous_overview_hides_drafts_and_editor_tools(client: Any, city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    measurement_record(indicator=ind, fiscal_year=2024, district=None, value=61.5, by=city)
    html = client.get(reverse("indicators:dashboard")).content.decode()
    assert "61.5" not in html and "/indicators/import/" not in html
    page = reverse("indicators:indicator_detail", kwargs={"code": "I-2"})
    html = client.get(page).content.decode()
    assert "61.5" not in html and "/edit/" not in html and "すべての値と変更履歴" not in html
    client.force_login(city)
    html = client.get(reverse("indicators:dashboard")).content.decode()
    assert "61.5" in html and "下書き" in html and "/indicators/import/" in html


def test_status_is_defined_once_against_the_path_through_every_target(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    (view,) = indicator_views(city, indicators=Indicator.objects.filter(pk=ind.pk))
    assert view.status == Progress.NO_DATA
    measurement_record(indicator=ind, fiscal_year=2024, district=None, value=40, by=city)
    (view,) = indicator_views(city, indicators=Indicator.objects.filter(pk=ind.pk))
    assert view.status == Progress.NO_TARGET
    ind.baseline_fiscal_year, ind.baseline_value = 2022, Decimal("30")
    ind.save()
    # Through an intermediate target: 30 (2022) → 50 (2024) → 52 (2031).
    Target.objects.create(indicator=ind, fiscal_year=2024, value=50)
    Target.objects.create(indicator=ind, fiscal_year=2031, value=52)
    (view,) = indicator_views(city, indicators=Indicator.objects.filter(pk=ind.pk))
    assert view.expected == Decimal("50") and view.status == Progress.BEHIND
    ind.direction = Indicator.Direction.DOWN
    ind.save()
    (view,) = indicator_views(city, indicators=Indicator.objects.filter(pk=ind.pk))
    assert view.status == Progress.ON_TRACK


def test_path_value_between_and_beyond_its_points() -> None:
    points = [(2022, Decimal("30")), (2026, Decimal("40")), (2031, Decimal("45"))]
    assert path_value(points, 2024) == Decimal("35.00")
    assert path_value(points, 2021) == Decimal("30")
    assert path_value(points, 2035) == Decimal("45")
    assert path_value(points[:1], 2024) is None
