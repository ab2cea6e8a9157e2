from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe_ok(page: Any, axe_source: str, name: str) -> None:
    bad = run_axe(page, axe_source, name)
    assert not bad, f"{name}: {describe(bad)}"


def _session(demo: Any, **kw: Any) -> Any:
    from tests.factories import SessionFactory

    return SessionFactory(by=demo.users["coordinator@example.jp"], **kw)


def test_resident_registers_on_a_phone_and_downloads_the_ics(
    page: Any, axe_source: str, demo: Any, tmp_path: Path
) -> None:
    session = _session(demo)
    page.goto("/sessions/")
    _axe_ok(page, axe_source, "sessions-calendar")
    page.goto("/sessions/month/")
    _axe_ok(page, axe_source, "sessions-month")
    sign_in(page, "resident@example.jp", DEMO_PASSWORD)
    page.goto(f"/sessions/{session.pk}/")
    _axe_ok(page, axe_source, "session-page-before")
    page.get_by_label("車いすで参加します").check()
    page.get_by_role("button", name="参加を申し込む").click()
    page.wait_for_load_state()
    assert "参加登録済みです" in page.get_by_test_id("my-registration").inner_text()
    _axe_ok(page, axe_source, "session-page-registered")
    with page.expect_download() as info:
        page.get_by_test_id("ics-link").click()
    target = tmp_path / "session.ics"
    info.value.save_as(target)
    text = target.read_text()
    assert "BEGIN:VCALENDAR" in text and "BEGIN:VEVENT" in text
    page.goto("/sessions/mine/")
    assert session.title in page.content()
    _axe_ok(page, axe_source, "my-registrations")
    assert not page.console_errors, page.console_errors


def test_coordinator_schedules_invites_checks_in_and_records_an_outcome(
    page: Any, axe_source: str, demo: Any
) -> None:
    from sessions.models import FutureSession, Invitation, Registration, SessionOutcome
    from sessions.services import registration_create

    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto("/sessions/new/")
    _axe_ok(page, axe_source, "session-create")
    start = timezone.localtime() + timedelta(days=3)
    page.get_by_label("タイトル").fill("つながりを広げるセッション")
    page.get_by_label("問い").fill("孤立しないまちに、私たちができることは？")
    page.get_by_label("開始日時").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了日時").fill((start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("会場").select_option(label="町田市民フォーラム（フューチャーセンター）")
    page.get_by_label("定員").fill("-3")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_load_state()
    body = page.content()
    assert "終了日時は開始日時より後にしてください" in body and "定員は0以上" in body
    assert not FutureSession.objects.exists()
    page.get_by_label("終了日時").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("定員").fill("30")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_load_state()
    session = FutureSession.objects.get()
    assert page.url.endswith(f"/sessions/{session.pk}/")

    page.get_by_role("link", name="招待").click()
    page.get_by_label("団体を招待する").select_option(label="まちだ運送株式会社")
    page.get_by_role("button", name="招待を送る").click()
    page.wait_for_load_state()
    assert "まちだ運送株式会社" in page.get_by_test_id("invitation-list").inner_text()
    _axe_ok(page, axe_source, "session-invitations")
    invitation = Invitation.objects.get()
    from sessions.services import invitation_token

    page.goto(f"/sessions/invitation/{invitation_token(invitation)}/")
    _axe_ok(page, axe_source, "invitation-respond")

    registration = registration_create(session=session, user=demo.users["resident@example.jp"])
    page.goto(f"/sessions/{session.pk}/checkin/")
    page.set_viewport_size({"width": 1024, "height": 768})  # a tablet at the door
    _axe_ok(page, axe_source, "session-checkin")
    page.get_by_role("button", name="出席").first.click()
    page.wait_for_load_state()
    page.get_by_label("当日参加の方のお名前").fill("当日 さくら")
    page.get_by_role("button", name="追加する").click()
    page.wait_for_load_state()
    registration.refresh_from_db()
    assert registration.attendance == Registration.Attendance.ATTENDED
    assert Registration.objects.filter(is_walk_in=True).count() == 1

    # The day passes: the session has now taken place.
    FutureSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    page.goto(f"/sessions/{session.pk}/outcome/")
    _axe_ok(page, axe_source, "session-outcome")
    page.get_by_label("まとめ").fill(
        "運送会社と子ども食堂が、見守り配達で協力することになりました。"
    )
    page.get_by_label("参加者数").fill("2")
    page.get_by_label("新しいつながり: 団体1").select_option(label="まちだ運送株式会社")
    page.get_by_label("新しいつながり: 団体2").select_option(label="NPO法人 まちだ子ども食堂ネット")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_load_state()
    assert SessionOutcome.objects.filter(session=session).exists()
    assert "見守り配達" in page.get_by_test_id("outcome").inner_text()
    _axe_ok(page, axe_source, "session-page-outcome")

    # The outcome starts a project, prefilled from the session.
    page.get_by_role("link", name="プロジェクトを始める").click()
    page.wait_for_load_state()
    _axe_ok(page, axe_source, "session-project-start")
    assert "見守り配達" in page.get_by_label("目的").input_value()
    page.get_by_label("プロジェクト名").fill("見守り配達プロジェクト")
    page.get_by_role("button", name="プロジェクトを始める").click()
    page.wait_for_load_state()
    from projects.models import Project

    project = Project.objects.get(title="見守り配達プロジェクト")
    assert page.url.endswith(f"/{project.pk}/")
    assert list(session.resulting_projects.all()) == [project]
    assert not page.console_errors, page.console_errors


def test_vision_pages_and_meeting_pack_pass_axe(page: Any, axe_source: str, demo: Any) -> None:
    from sessions import demo as sessions_demo

    sessions_demo.seed(demo)
    page.goto("/sessions/visions/")
    _axe_ok(page, axe_source, "vision-list")
    page.goto("/sessions/visions/minami/")
    _axe_ok(page, axe_source, "vision-detail")
    page.goto("/sessions/visions/minami/pack/")
    _axe_ok(page, axe_source, "meeting-pack")
    sign_in(page, "member@example.jp", DEMO_PASSWORD)
    page.goto("/sessions/visions/actions/mine/")
    _axe_ok(page, axe_source, "my-actions")
    page.get_by_role("link", name="状況を更新").first.click()
    _axe_ok(page, axe_source, "action-update")
    page.get_by_label("取り組み中").check()
    page.get_by_label("振り返り・メモ").fill("月1回から始めました")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_load_state()
    assert "取り組みの状況を記録しました" in page.content()
