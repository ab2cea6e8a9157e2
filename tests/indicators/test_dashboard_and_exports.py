from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import District
from indicators.models import Indicator, Measurement, Target, current_fiscal_year
from indicators.selectors import confidence_interval, indicator_views
from indicators.services import measurement_record, measurements_publish

pytestmark = pytest.mark.django_db


def _fill(city: Any, years: range, districts: int, *, publish: bool = True) -> None:
    ds = list(District.objects.all()[:districts])
    for ind in Indicator.objects.filter(source="survey"):
        for year in years:
            measurement_record(
                indicator=ind, fiscal_year=year, district=None, value=30 + year - 2022, by=city
            )
            for d in ds:
                measurement_record(
                    indicator=ind, fiscal_year=year, district=d, value=25, sample_size=80, by=city
                )
        if publish:
            measurements_publish(indicator=ind, by=city)


def _queries(client: Any, url: str) -> int:
    # Warm the per-user caches (roles, unread count) so both measurements are steady-state,
    # then make the dashboard's cached fragments stale: the count is that of a page that
    # computes its tables and charts.
    from machida_portal.public_cache import public_cache_bump

    client.get(url)
    public_cache_bump("indicators")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_dashboard_query_count_does_not_grow_with_years_districts_or_data(
    client: Any, city: Any
) -> None:
    client.force_login(city)
    url = reverse("indicators:dashboard")
    _fill(city, range(2022, 2023), 1)
    few = _queries(client, url)
    _fill(city, range(2022, current_fiscal_year() + 1), 10)
    many = _queries(client, url)
    assert Measurement.objects.count() > 100
    assert many == few, (few, many)


def test_open_data_page_and_exports_query_count_do_not_grow(client: Any, city: Any) -> None:
    _fill(city, range(2022, 2023), 1)
    counts_few = [
        _queries(client, reverse(n))
        for n in ("indicators:open_data", "indicators:export_csv", "indicators:export_json")
    ]
    _fill(city, range(2022, current_fiscal_year() + 1), 10)
    counts_many = [
        _queries(client, reverse(n))
        for n in ("indicators:open_data", "indicators:export_csv", "indicators:export_json")
    ]
    assert counts_few == counts_many


def test_progress_against_the_straight_path_and_yearly_change_needed(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    ind.baseline_fiscal_year, ind.baseline_value = 2022, Decimal("30")
    ind.save()
    Target.objects.create(indicator=ind, fiscal_year=2031, value=Decimal("48"))
    measurement_record(indicator=ind, fiscal_year=2025, district=None, value=35, by=city)
    (view,) = indicator_views(city, indicators=Indicator.objects.filter(pk=ind.pk))
    # Straight path: 30 + (48 − 30) × 3 / 9 = 36 in FY2025; 35 is behind.
    assert view.expected == Decimal("36.00")
    assert view.on_track is False
    # (48 − 35) / 6 years to go.
    assert view.needed_per_year == Decimal("2.17")


def test_confidence_interval_from_the_sample_size(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    m = measurement_record(
        indicator=ind, fiscal_year=2025, district=None, value=50, sample_size=400, by=city
    )
    # 1.96 × √(0.25 / 400) = 4.9 points.
    assert confidence_interval(m) == (Decimal("45.1"), Decimal("54.9"))
    m.sample_size = None
    assert confidence_interval(m) is None


def test_district_cells_under_30_respondents_are_suppressed_everywhere(
    client: Any, city: Any
) -> None:
    ind = Indicator.objects.get(code="I-2")
    small, big = list(District.objects.all()[:2])
    measurement_record(
        indicator=ind, fiscal_year=2025, district=small, value=77.7, sample_size=29, by=city
    )
    measurement_record(
        indicator=ind, fiscal_year=2025, district=big, value=44.4, sample_size=30, by=city
    )
    measurements_publish(indicator=ind, by=city)
    url = reverse("indicators:indicator_detail", kwargs={"code": "I-2"})
    html = client.get(url).content.decode()
    assert "回答者が少ないため非表示" in html and "77.7" not in html and "44.4" in html
    # Editors see the raw value only in the list of every value, to correct it.
    client.force_login(city)
    html = client.get(url).content.decode()
    shown = html[: html.index("すべての値と変更履歴")]
    assert "回答者が少ないため非表示" in shown and "77.7" not in shown and "77.7" in html
    client.logout()
    assert "77.7" not in client.get(reverse("indicators:open_data")).content.decode()
    exported = client.get(reverse("indicators:export_csv")).content.decode()
    assert "77.7" not in exported and "44.4" in exported


def test_pages_draw_svg_charts_with_a_data_table_and_no_inline_style(
    client: Any, city: Any
) -> None:
    _fill(city, range(2022, 2025), 2, publish=False)
    ind = Indicator.objects.get(code="I-2")
    Target.objects.create(indicator=ind, fiscal_year=2031, value=50, is_demo=True)
    client.force_login(city)
    overview = client.get(reverse("indicators:dashboard")).content.decode()
    assert '<svg class="sparkline"' in overview and 'role="img" aria-label="推移：' in overview
    assert "style=" not in overview and "<script>" not in overview
    html = client.get(
        reverse("indicators:indicator_detail", kwargs={"code": "I-2"})
    ).content.decode()
    assert '<svg class="trend-chart"' in html and "<polyline" in html
    assert "<table" in html and "の年度別の値" in html
    assert "style=" not in html and "<script>" not in html and " onclick" not in html
    assert "下書き" in html and "デモ" in html


def test_anonymous_see_only_published_values(client: Any, city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    measurement_record(indicator=ind, fiscal_year=2023, district=None, value=31.5, by=city)
    m = measurement_record(indicator=ind, fiscal_year=2024, district=None, value=62.5, by=city)
    m.status = "published"
    m.save()
    page = client.get(reverse("indicators:open_data")).content.decode()
    assert "62.5" in page and "31.5" not in page
    rows = json.loads(client.get(reverse("indicators:export_json")).content)["rows"]
    assert [(r["code"], r["fiscal_year"], r["value"]) for r in rows] == [("I-2", 2024, 62.5)]


def test_csv_export_columns_and_targets(client: Any, city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    district = District.objects.first()
    assert district is not None
    Target.objects.create(indicator=ind, fiscal_year=2024, value=40)
    measurement_record(indicator=ind, fiscal_year=2024, district=None, value=38, by=city)
    measurement_record(indicator=ind, fiscal_year=2024, district=district, value=36, by=city)
    measurements_publish(indicator=ind, by=city)
    response = client.get(reverse("indicators:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "code",
        "name_ja",
        "name_en",
        "fiscal_year",
        "district",
        "value",
        "unit",
        "target",
        "status",
    ]
    assert rows[0]["district"] == "" and rows[0]["target"] == "40" and rows[0]["value"] == "38"
    assert rows[1]["district"] == district.code and rows[1]["target"] == ""
    assert {r["status"] for r in rows} == {"published"}


def test_csv_export_defuses_formulas(client: Any, city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    ind.name_ja = '=HYPERLINK("http://evil")'
    ind.name_en = "@SUM(1)"
    ind.save()
    m = measurement_record(indicator=ind, fiscal_year=2024, district=None, value=38, by=city)
    m.status = "published"
    m.save()
    text = client.get(reverse("indicators:export_csv")).content.decode("utf-8-sig")
    row = next(iter(csv.DictReader(io.StringIO(text))))
    assert row["name_ja"].startswith("'=") and row["name_en"].startswith("'@")


def test_indicator_page_query_count_does_not_grow_with_values_or_history(
    client: Any, city: Any
) -> None:
    client.force_login(city)
    url = reverse("indicators:indicator_detail", kwargs={"code": "I-2"})
    ind = Indicator.objects.get(code="I-2")
    measurement_record(indicator=ind, fiscal_year=2022, district=None, value=30, by=city)
    few = _queries(client, url)
    _fill(city, range(2022, current_fiscal_year() + 1), 4)
    for year in range(2023, 2027):
        measurement_record(
            indicator=ind, fiscal_year=year, district=None, value=20, by=city, reason="訂正"
        )
    many = _queries(client, url)
    assert many == few, (few, many)


def test_demo_values_are_marked_demo_in_the_exports(client: Any, demo: Any) -> None:
    from indicators.demo import seed

    seed(demo)
    rows = json.loads(client.get(reverse("indicators:export_json")).content)["rows"]
    assert rows and {r["status"] for r in rows} == {"demo"}
    assert "デモ" in client.get(reverse("indicators:open_data")).content.decode()


def test_dashboard_in_english_shows_english_names(client: Any, city: Any) -> None:
    client.force_login(city)
    html = client.get(reverse("indicators:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Indicators at a glance" in html
    assert "Share of residents taking part in community activities" in html
    assert "No data" in html


def test_indicator_page_shows_districts_by_year_with_suppression(client: Any, city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    district = District.objects.first()
    assert district is not None
    measurement_record(
        indicator=ind, fiscal_year=2023, district=district, value=21.5, sample_size=90, by=city
    )
    measurement_record(
        indicator=ind, fiscal_year=2024, district=district, value=88.8, sample_size=12, by=city
    )
    client.force_login(city)
    html = client.get(reverse("indicators:indicator_detail", kwargs={"code": "I-2"})).content
    text = html.decode()
    assert "地区別の推移" in text and "21.5%" in text
    matrix = text[text.index("地区別の推移") : text.index("すべての値と変更履歴")]
    assert "88.8" not in matrix and "非表示" in matrix


def test_dashboard_focused_on_a_district_shows_its_series(client: Any, city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    district = District.objects.first()
    assert district is not None
    measurement_record(indicator=ind, fiscal_year=2024, district=None, value=40, by=city)
    measurement_record(
        indicator=ind, fiscal_year=2024, district=district, value=33.3, sample_size=90, by=city
    )
    measurement_record(
        indicator=ind, fiscal_year=2025, district=district, value=99, sample_size=10, by=city
    )
    client.force_login(city)
    url = reverse("indicators:dashboard")
    response = client.get(url, {"district": district.code})
    assert response.context["focus"] == district
    (view,) = [v for v in response.context["data"].plan_views if v.indicator.code == "I-2"]
    # The district's own latest value; the suppressed FY2025 cell is left out.
    assert view.latest is not None and view.latest.measurement.value == Decimal("33.30")
    assert "の値を表示しています" in response.content.decode()
    # Both measured with the fragments cold (the warm page runs none of the data queries).
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as focused:
        client.get(url, {"district": district.code})
    assert len(plain) == len(focused)
    with CaptureQueriesContext(connection) as warm:
        client.get(url, {"district": district.code})
    assert len(warm) < len(focused)


def test_the_cached_dashboard_shows_a_new_value_at_once(
    client: Any, city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ind = Indicator.objects.filter(source="survey").first()
    assert ind is not None
    client.force_login(city)
    url = reverse("indicators:dashboard")
    assert "87.6" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        measurement_record(indicator=ind, fiscal_year=2025, district=None, value=87.6, by=city)
    assert "87.6" in client.get(url).content.decode()
    # Publishing is a bulk update (no signals): it bumps the cache itself.
    drafts = client.get(url).content.decode().count("badge-draft")
    assert drafts > 0
    with django_capture_on_commit_callbacks(execute=True):
        measurements_publish(indicator=ind, by=city)
    assert client.get(url).content.decode().count("badge-draft") < drafts
