"""A resident submits an idea from a phone and follows it; a coordinator turns it into a
project. Each page passes axe-core (no serious or critical violations)."""

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


def test_resident_submits_an_idea_and_a_coordinator_makes_it_a_project(
    page: Any, axe_source: str, demo: Any
) -> None:
    from projects.models import Idea, Project

    sign_in(page, "resident@example.jp", DEMO_PASSWORD)
    page.goto("/ideas/new/")
    _axe(page, axe_source, "idea-form")
    page.get_by_label("やりたい").check()
    page.get_by_label("タイトル").fill("公園で朝の体操会をしたい")
    page.get_by_label("内容").fill("土曜の朝に、近所の公園で多世代の体操会を開きたいです。")
    page.get_by_label("多世代交流").check()
    page.get_by_label("人手").check()
    page.get_by_label("アイデア掲示板に公開してよい").check()
    page.get_by_role("button", name="送る").dblclick()
    page.wait_for_url(re.compile(r"/ideas/\d+/$"))
    assert Idea.objects.count() == 1
    assert "受け付けました" in page.get_by_test_id("timeline").inner_text()
    _axe(page, axe_source, "idea-detail-author")

    page.goto("/ideas/mine/")
    assert "公園で朝の体操会をしたい" in page.get_by_test_id("my-ideas").inner_text()
    _axe(page, axe_source, "idea-mine")

    page.goto("/ideas/")
    _axe(page, axe_source, "idea-board")

    page.context.clear_cookies()
    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto("/ideas/inbox/")
    _axe(page, axe_source, "idea-inbox")
    page.get_by_role("link", name="公園で朝の体操会をしたい").click()
    page.wait_for_load_state()
    _axe(page, axe_source, "idea-detail-coordinator")
    page.get_by_label("新しい状況").select_option("project")
    page.get_by_role("button", name="状況を変えて知らせる").click()
    page.wait_for_url("**/ideas/projects/new/**")
    _axe(page, axe_source, "project-form")
    page.get_by_label("状況").select_option("active")
    page.get_by_role("button", name="作る").click()
    page.wait_for_url(re.compile(r"/ideas/projects/\d+/$"))
    assert Project.objects.count() == 1
    assert Idea.objects.get().status == Idea.Status.PROJECT
    _axe(page, axe_source, "project-detail")
    assert not page.console_errors, page.console_errors

    # The resident sees the new step in "where is my idea".
    page.context.clear_cookies()
    sign_in(page, "resident@example.jp", DEMO_PASSWORD)
    page.goto(f"/ideas/{Idea.objects.get().pk}/")
    assert "プロジェクトになりました" in page.get_by_test_id("timeline").inner_text()
