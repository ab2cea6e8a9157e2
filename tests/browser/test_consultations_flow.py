"""The plan's flow: ① consult → ② hand over with a tsunagu sheet → ③ the receiving agency
contacts the person and reports back; the sender sees it. axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


def _sign_out(page: Any) -> None:
    page.context.clear_cookies()


def test_consult_hand_over_and_report_back(page: Any, axe_source: str, demo: Any) -> None:
    # ① The elderly-care agency takes the consultation.
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/")
    _axe(page, axe_source, "consult-inbox")
    page.get_by_role("link", name="相談を受け付ける").click()
    _axe(page, axe_source, "consult-intake")
    page.fill("input[name=person_name]", "山本 キヨ")
    page.fill("input[name=person_kana]", "やまもと きよ")
    for trouble in ("care", "disability", "withdrawal"):
        page.locator(f"input[name=troubles][value={trouble}]").check()
    page.select_option("select[name=main_trouble]", "care")
    page.fill("textarea[name=narrative]", "自分の介護と、同居の長男の障がいとひきこもりが心配。")
    page.select_option("select[name=consent_status]", "given")
    page.select_option("select[name=consent_method]", "signed")
    page.locator("input[name=consent_fields][value=name]").check()
    page.locator("input[name=consent_fields][value=troubles]").check()
    page.get_by_label("障がい者支援センター まちだ").check()
    page.get_by_role("button", name="受け付ける").click()
    page.wait_for_load_state()
    assert "相談を受け付けました" in page.content()
    _axe(page, axe_source, "consult-detail")

    # ② Hand over to the disability agency with a tsunagu sheet.
    page.get_by_role("link", name="ほかの機関へつなぐ").click()
    _axe(page, axe_source, "sheet-form")
    page.select_option("select[name=receiver]", label="障がい者支援センター まちだ")
    page.fill("textarea[name=reason]", "長男の障がいとひきこもりについて支援をお願いします。")
    page.locator("input[name=shared_fields][value=name]").check()
    page.locator("input[name=shared_fields][value=troubles]").check()
    page.select_option("select[name=urgency]", "high")
    page.get_by_role("button", name="下書きを保存する").click()
    page.wait_for_load_state()
    page.get_by_test_id("move-sent").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("sheet-status").inner_text() == "送付済み"
    _axe(page, axe_source, "sheet-sent")
    sheet_url = page.url
    _sign_out(page)

    # ③ The disability agency receives, contacts the person and reports back.
    sign_in(page, "staff.disability@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/?tab=incoming")
    _axe(page, axe_source, "inbox-incoming")
    page.get_by_role("link", name="つなぐシート #").first.click()
    page.wait_for_load_state()
    shared = page.get_by_test_id("shared-fields").inner_text()
    assert "山本 キヨ" in shared
    assert "相談の内容" not in shared  # not covered by the consent
    page.get_by_test_id("move-received").click()
    page.wait_for_load_state()
    page.get_by_label("初回連絡日").fill(page.evaluate("new Date().toLocaleDateString('sv-SE')"))
    page.get_by_label("初回連絡の方法").select_option("phone")
    page.get_by_label("送った機関への報告").first.fill("本人と電話で話し、来週訪問します。")
    page.get_by_test_id("move-first_contact").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("sheet-status").inner_text() == "初回連絡済み"
    _axe(page, axe_source, "sheet-contacted")
    _sign_out(page)

    # The loop is closed: the sender sees the state and the report.
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto(sheet_url)
    assert page.get_by_test_id("sheet-status").inner_text() == "初回連絡済み"
    assert "来週訪問します" in page.get_by_test_id("report-back").inner_text()
    _axe(page, axe_source, "sheet-closed-loop")


def test_public_resource_search_passes_axe(page: Any, axe_source: str, demo: Any) -> None:
    page.goto("/directory/resources/")
    _axe(page, axe_source, "resource-list")
    page.get_by_label("ことばで探す").fill("居場所")
    page.get_by_role("button", name="探す").click()
    page.wait_for_load_state()
    _axe(page, axe_source, "resource-search")


def test_city_board_and_outreach_pages_pass_axe(page: Any, axe_source: str, demo: Any) -> None:
    from consultations.models import SheetStatus, TsunaguSheet
    from tests.factories import SheetFactory

    sheet = SheetFactory(status=SheetStatus.SENT)
    TsunaguSheet.objects.filter(pk=sheet.pk).update(deadline_at=sheet.created_at)
    sign_in(page, "city@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/overdue/")
    assert "障がい者支援センター まちだ" in page.content()
    assert "町田 太郎" not in page.content()
    _axe(page, axe_source, "overdue-board")
    page.goto("/consultations/missing-resources/")
    _axe(page, axe_source, "missing-resources")
    _sign_out(page)

    sign_in(page, "cwc@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/outreach/new/")
    _axe(page, axe_source, "outreach-form")
    page.select_option("select[name=district]", index=1)
    page.fill("input[name=household_tag]", "2丁目 角の家")
    page.select_option("select[name=source]", "minsei")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_load_state()
    assert "見守りのケースを登録しました" in page.content()
    _axe(page, axe_source, "outreach-detail")


def test_conference_pages_pass_axe(page: Any, axe_source: str, demo: Any) -> None:
    from tests.factories import ConferenceFactory

    conference = ConferenceFactory()
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto("/consultations/conferences/")
    _axe(page, axe_source, "conference-list")
    page.goto("/consultations/conferences/new/")
    _axe(page, axe_source, "conference-form")
    page.goto(f"/consultations/conferences/{conference.pk}/")
    _axe(page, axe_source, "conference-detail")
    page.fill("textarea[name=assessment]", "介護と障がいの両面の支援が必要")
    page.select_option("select[name=decision]", "continue")
    page.get_by_role("button", name="記録を保存する").click()
    page.wait_for_load_state()
    assert "会議の記録を保存しました" in page.content()
    page.goto("/consultations/access-log/")
    _axe(page, axe_source, "access-log")
