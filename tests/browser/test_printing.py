"""Printing in the browser (issue 13, decision 0021): the sheet page shows whom to call back
and links to the print view and the PDF; the print view is a page of its own (axe clean) with
a print button; the consent form prints from the consultation page. In Japanese, at 1280 px
and at phone width. Screenshots go to test-artifacts/print-*.png for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, PHONE, describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_receiver_prints_the_sheet_and_downloads_its_pdf(
    page: Any, axe_source: str, demo: Any, size: str
) -> None:
    from tests.factories import SheetFactory

    sheet = SheetFactory()
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    sign_in(page, "staff.disability@example.jp", DEMO_PASSWORD)
    page.goto(f"/consultations/sheets/{sheet.pk}/")
    callback = page.get_by_test_id("callback")
    assert "折り返しの連絡先" in callback.inner_text()
    assert sheet.sender.phone in callback.inner_text()
    assert "高齢者支援センター 田中" in callback.inner_text()
    _axe(page, axe_source, f"print-sheet-page-{size}")
    _shot(page, f"print-sheet-page-{size}")

    page.get_by_role("link", name="印刷", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/consultations/sheets/{sheet.pk}/print/")
    assert page.locator("h1").inner_text() == f"つなぐシート #{sheet.pk}"
    assert "町田 太郎" in page.get_by_test_id("print-shared").inner_text()
    print_button = page.get_by_role("button", name="印刷する")
    assert print_button.is_visible()  # the script showed it
    _axe(page, axe_source, f"print-sheet-view-{size}")
    _shot(page, f"print-sheet-view-{size}")
    page.emulate_media(media="print")
    assert not print_button.is_visible()  # the tools stay off the paper
    page.emulate_media(media="screen")
    assert page.console_errors == []

    # The PDF link downloads an A4 PDF (the content tests read it back with pypdf).
    pdf_href = page.get_by_test_id("pdf-link").get_attribute("href")
    response = page.request.get(pdf_href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    page.get_by_role("link", name="もとのページに戻る").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/consultations/sheets/{sheet.pk}/")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_prints_the_consent_form_from_the_consultation(
    page: Any, axe_source: str, demo: Any, size: str
) -> None:
    from tests.factories import ConsultationFactory

    c = ConsultationFactory()
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto(f"/consultations/{c.pk}/")
    _axe(page, axe_source, f"print-consultation-{size}")
    page.get_by_role("link", name="同意書を印刷").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "情報提供に関する同意書"
    assert "町田 太郎" in page.get_by_test_id("consent-person").inner_text()
    _axe(page, axe_source, f"print-consent-view-{size}")
    _shot(page, f"print-consent-view-{size}")
    response = page.request.get(page.get_by_test_id("pdf-link").get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
