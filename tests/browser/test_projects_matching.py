"""A member registers an offer on a phone; a coordinator sees it ranked for a need, with
reasons, and proposes the connection. Every page passes axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


def test_offer_is_ranked_for_a_need_and_proposed(page: Any, axe_source: str, demo: Any) -> None:
    from projects.models import Match
    from projects.services import need_create

    need = need_create(
        by=demo.users["coordinator@example.jp"],
        title="土曜の送迎ボランティア募集",
        description="高齢の方の送迎",
        source="recruitment",
        need_types=["vehicle"],
        availability=["weekend"],
    )
    sign_in(page, "member@example.jp", DEMO_PASSWORD)
    page.goto("/ideas/offers/new/")
    _axe(page, axe_source, "offer-form")
    page.get_by_label("タイトル").fill("週末に車で送迎できます")
    page.get_by_label("内容").fill("土日の午前中に送迎できます。")
    page.get_by_label("車両・送迎").check()
    page.get_by_label("土日・祝日").check()
    page.get_by_label("連絡先").fill("090-0000-0000")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url(re.compile(r"/ideas/offers/\d+/$"))
    assert "土曜の送迎ボランティア募集" in page.get_by_test_id("ranked").inner_text()
    _axe(page, axe_source, "offer-detail")
    page.goto("/ideas/offers/")
    _axe(page, axe_source, "offer-list")

    page.context.clear_cookies()
    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto(f"/ideas/needs/{need.pk}/")
    ranked = page.get_by_test_id("ranked").inner_text()
    assert "週末に車で送迎できます" in ranked and "車両・送迎" in ranked
    _axe(page, axe_source, "need-detail")
    page.get_by_role("button", name="つなぐ提案をする").first.click()
    page.wait_for_url(re.compile(r"/ideas/matches/\d+/$"))
    assert Match.objects.count() == 1
    assert "090-0000-0000" not in page.content()
    _axe(page, axe_source, "match-detail")
