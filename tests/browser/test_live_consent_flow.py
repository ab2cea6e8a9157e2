"""Consent is live (issue 11): the sending agency records 同意なし, and the receiving agency's
page shows a notice and the history instead of the person — on a phone and on a desktop,
with axe-core on both."""

from __future__ import annotations

from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import describe, run_axe, sign_in
from tests.factories import SheetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refused_consent_closes_the_receivers_sheet_page(
    page: Any, axe_source: str, role_users: dict[str, Any]
) -> None:
    sheet = SheetFactory()  # sent by 高齢者支援センター to 障がい者支援センター
    name = sheet.consultation.person_name

    sign_in(page, "staff.disability@example.jp", DEMO_PASSWORD)
    page.goto(f"/consultations/sheets/{sheet.pk}/")
    assert name in page.content()  # open while the consent covers the receiver
    page.context.clear_cookies()

    # The sending agency records that the person no longer consents.
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto(f"/consultations/{sheet.consultation_id}/consent/")
    page.select_option("select[name=consent_status]", "refused")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_load_state()
    page.context.clear_cookies()

    sign_in(page, "staff.disability@example.jp", DEMO_PASSWORD)
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(f"/consultations/sheets/{sheet.pk}/")
        assert response is not None and response.status == 200
        assert "no-store" in (response.headers.get("cache-control") or "")
        assert page.get_by_test_id("shared-closed").is_visible()
        assert name not in page.content()
        assert page.get_by_test_id("move-received").count() == 0
        violations = run_axe(page, axe_source, f"sheet-closed-{width}")
        assert not violations, describe(violations)
