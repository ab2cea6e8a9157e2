"""Edits after intake in the browser (issue 13), in Japanese at 1280 px and on a phone, axe
clean: staff correct a consultation's household and see it in the history; a resident
corrects a sent idea and the timeline says so; the coordinator sees what changed."""

from __future__ import annotations

import os
from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE, describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}
# Set to a folder to keep screenshots of the pages, to look at them.
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def _shot(page: Any, name: str, **kw: Any) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), **kw)


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


@pytest.mark.parametrize("size", WIDTHS)
def test_staff_correct_the_household_and_see_the_history(
    page: Any, axe_source: str, demo: Any, size: str
) -> None:
    from tests.factories import ConsultationFactory

    page.set_viewport_size(WIDTHS[size])
    case = ConsultationFactory(person_name="山本 キヨ", person_kana="やまもと きよ")
    sign_in(page, "staff.elderly@example.jp", DEMO_PASSWORD)
    page.goto(f"/consultations/{case.pk}/")
    page.get_by_role("link", name="本人の情報・困りごと・世帯を修正する").click()
    page.wait_for_load_state()
    _shot(page, f"edit-consultation-form-{size}", full_page=True)
    _axe(page, axe_source, f"consultation-edit-{size}")
    page.fill("input[name=household-0-age]", "51")
    page.fill("input[name=household-1-relation]", "長女")
    page.fill("input[name=household-1-age]", "48")
    page.fill("input[name=household-1-notes]", "市外に住む")
    page.fill("input[name=phone]", "042-700-0001")
    page.get_by_role("button", name="修正を保存する").click()
    page.wait_for_load_state()
    assert "相談の内容を修正しました" in page.content()
    history = page.locator(".case-history").inner_text()
    assert "内容の修正" in history
    assert "世帯員を追加: 長女（48歳）" in history
    assert "年齢: 45 → 51" in history
    assert "042-000-1234" in history and "042-700-0001" in history
    page.locator("#history").scroll_into_view_if_needed()
    _shot(page, f"edit-consultation-history-{size}", full_page=True)
    _axe(page, axe_source, f"consultation-history-{size}")
    # The whole history, on its own page.
    page.goto(f"/consultations/{case.pk}/history/")
    assert "世帯員を追加: 長女（48歳）" in page.locator(".case-history").inner_text()
    _shot(page, f"edit-consultation-history-page-{size}", full_page=True)
    _axe(page, axe_source, f"consultation-history-page-{size}")


@pytest.mark.parametrize("size", WIDTHS)
def test_resident_corrects_a_sent_idea_and_the_coordinator_sees_the_change(
    page: Any, axe_source: str, demo: Any, size: str
) -> None:
    from projects.models import Idea
    from projects.services import idea_transition
    from tests.factories import IdeaFactory

    page.set_viewport_size(WIDTHS[size])
    idea = IdeaFactory(title="駅前で体操をしたい")
    idea_transition(idea=idea, to=Idea.Status.COORDINATING, by=demo.users["coordinator@example.jp"])
    old_title = idea.title
    sign_in(page, "resident@example.jp", DEMO_PASSWORD)
    page.goto(f"/ideas/{idea.pk}/")
    page.get_by_role("link", name="内容を直す").click()
    page.wait_for_load_state()
    _shot(page, f"edit-idea-form-{size}", full_page=True)
    _axe(page, axe_source, f"idea-edit-{size}")
    page.fill("input[name=title]", "直したタイトル：駅前で朝の体操をしたい")
    page.get_by_role("button", name="直した内容を保存する").click()
    page.wait_for_load_state()
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "内容が編集されました" in timeline
    assert old_title not in page.content()  # the author is not shown old versions
    _shot(page, f"edit-idea-author-{size}", full_page=True)
    _axe(page, axe_source, f"idea-edited-{size}")
    page.context.clear_cookies()

    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto(f"/ideas/{idea.pk}/")
    changes = page.get_by_test_id("idea-changes").inner_text()
    assert old_title in changes
    assert "直したタイトル：駅前で朝の体操をしたい" in changes
    page.get_by_test_id("idea-changes").scroll_into_view_if_needed()
    _shot(page, f"edit-idea-coordinator-{size}")
    _axe(page, axe_source, f"idea-diff-{size}")


@pytest.mark.parametrize("size", WIDTHS)
def test_owner_edits_an_offer_and_the_coordinator_sees_the_change(
    page: Any, axe_source: str, demo: Any, size: str
) -> None:
    from projects.services import offer_create

    page.set_viewport_size(WIDTHS[size])
    offer = offer_create(
        owner=demo.users["member@example.jp"],
        title="買い物の送迎をします",
        description="平日の午前に車で送迎できます。",
        offer_types=["vehicle"],
        availability=["weekday_day"],
        contact="member@example.jp",
    )
    sign_in(page, "member@example.jp", DEMO_PASSWORD)
    page.goto(f"/ideas/offers/{offer.pk}/")
    page.get_by_role("link", name="内容を直す").click()
    page.wait_for_load_state()
    _axe(page, axe_source, f"offer-edit-{size}")
    page.get_by_label("土日・祝日").check()
    page.get_by_role("button", name="直した内容を保存する").click()
    page.wait_for_load_state()
    assert "「できること」を直しました" in page.content()
    page.context.clear_cookies()

    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto(f"/ideas/offers/{offer.pk}/")
    changes = page.get_by_test_id("offer-changes").inner_text()
    assert "平日の昼" in changes and "土日・祝日" in changes
    _shot(page, f"edit-offer-coordinator-{size}", full_page=True)
    _axe(page, axe_source, f"offer-changes-{size}")
