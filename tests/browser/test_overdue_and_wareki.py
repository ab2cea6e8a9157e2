"""Issue 13: the city's overdue board (sort, summary, CSV) and a 生年月日 entered as 和暦, in
Japanese at 1280 px and on a phone, axe-core clean on every page."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from directory.demo import DEMO_PASSWORD
from machida_portal.wareki import age_on
from tests.browser.conftest import PHONE, describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
WIDTHS = [pytest.param(DESKTOP, id="1280"), pytest.param(PHONE, id="phone")]


def _shot(name: str, size: dict[str, int]) -> str:
    # For looking at the pages by eye: <tmp>/overdue-<page>-<width>.png
    return str(Path(tempfile.gettempdir()) / f"overdue-{name}-{size['width']}.png")


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


def _fits(page: Any) -> None:
    # Nothing but the table (in its own scrolling region) may be wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow


@pytest.mark.parametrize("size", WIDTHS)
def test_staff_enter_a_showa_birth_date_at_intake(
    page: Any, axe_source: str, demo: Any, size: dict[str, int]
) -> None:
    page.set_viewport_size(size)
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/new/")
    page.fill("input[name=person_name]", "和暦 ハナ")
    # The era picker and the three boxes are one group, named by its legend.
    group = page.get_by_role("group", name="生年月日")
    group.get_by_label("元号").select_option(label="昭和")
    group.get_by_label("年", exact=True).fill("16")
    group.get_by_label("月", exact=True).fill("3")
    group.get_by_label("日", exact=True).fill("5")
    _axe(page, axe_source, f"wareki-intake-{size['width']}")
    _fits(page)
    page.screenshot(path=_shot("intake", size), full_page=False)
    page.get_by_role("button", name="受け付ける").click()
    page.wait_for_load_state()
    assert "相談を受け付けました" in page.content()
    age = age_on(date(1941, 3, 5), timezone.localdate())
    assert page.get_by_test_id("birth-date").inner_text() == f"昭和16年3月5日（{age}歳）"
    _axe(page, axe_source, f"wareki-detail-{size['width']}")


def test_a_refused_era_date_is_explained_by_the_field(
    page: Any, axe_source: str, demo: Any
) -> None:
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/new/")
    page.fill("input[name=person_name]", "和暦 ハナ")
    group = page.get_by_role("group", name="生年月日")
    group.get_by_label("元号").select_option(label="平成")
    group.get_by_label("年", exact=True).fill("32")
    group.get_by_label("月", exact=True).fill("1")
    group.get_by_label("日", exact=True).fill("1")
    page.get_by_role("button", name="受け付ける").click()
    page.wait_for_load_state()
    assert "平成は元年から31年までです" in page.locator("#div_id_birth_date").inner_text()
    assert (
        page.get_by_role("group", name="生年月日").get_by_label("年", exact=True).input_value()
        == "32"
    )
    _axe(page, axe_source, "wareki-refused")


@pytest.mark.parametrize("size", WIDTHS)
def test_the_city_sorts_the_board_and_reads_the_summary(
    page: Any, axe_source: str, demo: Any, size: dict[str, int]
) -> None:
    from consultations.demo import seed

    seed(demo)
    page.set_viewport_size(size)
    sign_in(page, "city@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/overdue/")
    assert "営業日" in page.get_by_test_id("board-definitions").inner_text()
    _axe(page, axe_source, f"board-{size['width']}")
    _fits(page)
    page.screenshot(path=_shot("board", size), full_page=True)
    page.get_by_label("並べ替え").select_option("movement")
    page.get_by_role("button", name="並べ替える").click()
    page.wait_for_load_state()
    assert "sort=movement" in page.url
    still = [int(t) for t in page.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert still == sorted(still, reverse=True) and still
    page.get_by_role("link", name="機関ごとのまとめ").click()
    page.wait_for_load_state()
    _axe(page, axe_source, f"summary-{size['width']}")
    _fits(page)
    assert "中央値" in page.get_by_test_id("summary-definitions").inner_text()
    page.screenshot(path=_shot("summary", size), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV をダウンロード").click()
    assert download.value.suggested_filename.startswith("tsunagu-summary-")
