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

    page.goto("/indicators/")
    card = page.locator("[data-code='I-2']")
    assert "47.3%" in card.locator(".figure-latest").inner_text()
    assert "44.1%" in card.locator(".district-table").inner_text()
    violations = run_axe(page, axe_source, "indicators-dashboard")
    assert not violations, describe(violations)
    assert not page.console_errors, page.console_errors
    # The chart's table is reachable by keyboard (a focusable scroll region).
    card.locator(".table-responsive").first.focus()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "indicators-dashboard-phone.png"), full_page=False)

    # The same dashboard, focused on the district.
    page.select_option("#focus-district", district.code)
    page.get_by_role("button", name="表示", exact=True).click()
    page.wait_for_load_state()
    assert "44.1%" in page.locator("[data-code='I-2'] .figure-latest").inner_text()
    violations = run_axe(page, axe_source, "indicators-dashboard-district")
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
