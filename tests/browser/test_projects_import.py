"""A coordinator imports past projects from a CSV file: preview with row errors, then a
corrected file, then confirmation. Every step passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = (
    "タイトル,地区,開始日,終了日,参加者数\n鶴川の川をきれいに大作戦,鶴川,2019/05/01,2019/05/01,35\n"
)
BAD = GOOD + "日付の誤り,鶴川,2019-13-01,,5\n"


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


def _choose(page: Any, text: str) -> None:
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "past.csv", "mimeType": "text/csv", "buffer": text.encode()}],
    )
    page.get_by_role("button", name="プレビューする").click()
    page.wait_for_load_state()


def test_coordinator_imports_past_projects(page: Any, axe_source: str, demo: Any) -> None:
    from projects.models import Project

    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto("/ideas/projects/import/")
    _axe(page, axe_source, "import-form")
    _choose(page, BAD)
    assert "1 行に誤りがあります" in page.get_by_test_id("row-errors").inner_text()
    _axe(page, axe_source, "import-errors")
    assert Project.objects.count() == 0
    _choose(page, GOOD)
    page.get_by_role("button", name="取り込む").click()
    page.wait_for_url("**/ideas/projects/")
    assert Project.objects.get().imported_participants == 35
    assert not page.console_errors, page.console_errors
