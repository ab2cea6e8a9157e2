from __future__ import annotations

from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_staff_import_publish_and_see_the_value_on_dashboard_and_in_csv(
    page: Any, axe_source: str, demo: Any
) -> None:
    from directory.models import District
    from indicators.definitions import ensure_definitions

    ensure_definitions()  # an earlier transactional test's flush removed the migration's rows
    district = District.objects.order_by("order").first()
    assert district is not None
    sign_in(page, "city@example.jp", DEMO_PASSWORD)
    page.goto("/indicators/import/")
    csv_text = (
        "code,fiscal_year,district,value,sample_size,numerator\n"
        "I-2,2025,,47.3,1400,662\n"
        f"I-2,2025,{district.code},44.1,160,71\n"
    )
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "survey.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}],
    )
    page.get_by_role("button", name="確認する").click()
    page.wait_for_load_state()
    assert "新規" in page.locator("main table").inner_text()
    violations = run_axe(page, axe_source, "indicators-import-preview")
    assert not violations, describe(violations)
    page.get_by_role("button", name="2行を取り込む").click()
    page.wait_for_load_state()
    assert "2行を取り込みました" in page.locator(".messages").inner_text()

    # Not public yet.
    assert "47.3" not in page.request.get("/indicators/export.csv").text()

    page.goto("/indicators/i/I-2/")
    violations = run_axe(page, axe_source, "indicators-detail")
    assert not violations, describe(violations)
    page.get_by_role("button", name="下書き2件をすべて公開する").click()
    page.wait_for_load_state()
    assert "2件の値を公開しました" in page.locator(".messages").inner_text()

    card = page.locator("[data-code='I-2']")
    assert "47.3%" in card.locator(".figure-latest").inner_text()
    assert "44.1%" in card.locator(".district-table").inner_text()
    # The chart's table is reachable by keyboard (a focusable scroll region).
    card.locator(".table-responsive").first.focus()

    page.goto("/indicators/")
    assert "47.3%" in page.locator("tr[data-code='I-2'] .kpi-latest").inner_text()
    violations = run_axe(page, axe_source, "indicators-overview")
    assert not violations, describe(violations)
    assert not page.console_errors, page.console_errors
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "indicators-overview-phone.png"), full_page=False)

    # The same overview, focused on the district.
    page.select_option("#focus-district", district.code)
    page.get_by_role("button", name="表示", exact=True).click()
    page.wait_for_load_state()
    assert "44.1%" in page.locator("tr[data-code='I-2'] .kpi-latest").inner_text()
    violations = run_axe(page, axe_source, "indicators-overview-district")
    assert not violations, describe(violations)

    exported = page.request.get("/indicators/export.csv").text()
    assert "I-2,地域活動に参加している市民の割合" in exported
    assert ",2025,,47.3,%," in exported
    assert f",2025,{district.code},44.1,%," in exported


def test_open_data_page_passes_axe_for_a_visitor(page: Any, axe_source: str, demo: Any) -> None:
    from indicators.demo import seed

    seed(demo)
    page.goto("/indicators/open/")
    assert page.locator("h1").inner_text() == "指標のオープンデータ"
    violations = run_axe(page, axe_source, "indicators-open-data")
    assert not violations, describe(violations)


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def _series(page: Any) -> list[str]:
    """The indicator page's series table: fiscal year and value of each row."""
    return [
        " ".join(row.inner_text().split()[:2])
        for row in page.locator(".indicator-table tbody tr").all()
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_overview_to_an_indicator_page_in_japanese(
    page: Any, axe_source: str, demo: Any, width: int
) -> None:
    from indicators.demo import seed
    from indicators.models import Indicator

    seed(demo)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/indicators/")
    assert page.locator("h1").inner_text() == "指標の一覧"
    rows = page.locator("table.kpi-overview tbody tr[data-code]")
    assert rows.count() == Indicator.objects.count()
    assert _no_horizontal_scroll(page)
    first = page.locator("tr[data-code='I-2']")
    assert "年度" in first.locator(".kpi-latest").inner_text()
    assert first.locator("svg.sparkline").get_attribute("aria-label", timeout=2000)
    if width < 768:
        # A stacked list: each row is as wide as the screen, its cells one under another.
        box = first.bounding_box()
        assert box is not None and box["width"] <= width
        assert (
            first.locator(".kpi-target").bounding_box()["y"]
            > first.locator(".kpi-latest").bounding_box()["y"]
        )
    violations = run_axe(page, axe_source, f"indicators-overview-{width}")
    assert not violations, describe(violations)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"kpi-overview-{width}.png"), full_page=True)

    # The two plan codes of the one survey question show the same series.
    page.locator("tr[data-code='III-1-supported'] a").click()
    page.wait_for_load_state()
    assert "III-3" in page.locator("[data-testid=same-series]").inner_text()
    alias_series = _series(page)
    assert alias_series
    assert _no_horizontal_scroll(page)
    violations = run_axe(page, axe_source, f"indicators-page-{width}")
    assert not violations, describe(violations)
    page.screenshot(path=str(ARTIFACTS / f"kpi-indicator-{width}.png"), full_page=True)
    page.goto("/indicators/i/III-3/")
    assert _series(page) == alias_series
    assert not page.console_errors, page.console_errors
