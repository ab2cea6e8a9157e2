"""The staff "today" page counts only what the reader's capabilities and organization reach:
another agency's sheets are never counted, and each line appears only for its capability."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import SheetStatus, TsunaguSheet
from machida_portal.today import has_today_page, today_lines
from tests.factories import OrganizationFactory, SheetFactory, UserFactory
from tests.factories.directory import MembershipFactory

pytestmark = pytest.mark.django_db


def _counts(user: Any) -> dict[str, int]:
    """Every count on the user's page, by its test id."""
    return {c.testid: c.count for line in today_lines(user) for c in line.counts}


def _make_late(sheet: TsunaguSheet, **fields: Any) -> None:
    # A raw state: a deadline or last move in the past, which the services only reach by
    # waiting for days.
    TsunaguSheet.objects.filter(pk=sheet.pk).update(**fields)


def test_another_agencys_sheets_are_not_counted(users: dict[str, Any]) -> None:
    before_other = _counts(users["staff_other"])
    before_receiver = _counts(users["staff_disability"])
    sent = SheetFactory()  # elderly → disability, 送付済み
    overdue = SheetFactory()
    _make_late(overdue, deadline_at=timezone.now() - timedelta(hours=1))
    stale = SheetFactory(status=SheetStatus.RECEIVED)
    _make_late(stale, updated_at=timezone.now() - timedelta(days=60))

    other = _counts(users["staff_other"])
    assert other == before_other  # a third agency, party to none of them
    assert all(n == 0 for n in other.values())

    receiver = _counts(users["staff_disability"])
    assert receiver["today-to-receive"] == before_receiver["today-to-receive"] + 2
    assert receiver["today-incoming-overdue"] == before_receiver["today-incoming-overdue"] + 1
    assert receiver["today-incoming-stale"] == before_receiver["today-incoming-stale"] + 1
    assert sent.pk and overdue.pk and stale.pk


def test_sender_counts_its_late_sheets_as_sent_not_as_incoming(users: dict[str, Any]) -> None:
    before = _counts(users["staff_elderly"])
    overdue = SheetFactory()
    _make_late(overdue, deadline_at=timezone.now() - timedelta(hours=1))
    after = _counts(users["staff_elderly"])
    assert after["today-outgoing-overdue"] == before["today-outgoing-overdue"] + 1
    assert after["today-to-receive"] == before["today-to-receive"]
    assert after["today-incoming-overdue"] == before["today-incoming-overdue"]


def test_a_draft_is_not_counted_for_the_receiver(users: dict[str, Any]) -> None:
    before = _counts(users["staff_disability"])
    SheetFactory(status=SheetStatus.DRAFT)
    assert _counts(users["staff_disability"]) == before


def test_staff_without_an_agency_membership_get_no_sheet_lines() -> None:
    # cases.handle through a membership at an organization that is not a case agency.
    from directory.models import Organization, Role

    shop = OrganizationFactory(name="町田の会社", kind=Organization.Kind.COMPANY)
    user = UserFactory()
    MembershipFactory(user=user, organization=shop, role=Role.CONSULTATION_STAFF)
    assert has_today_page(user)
    assert [line.key for line in today_lines(user)] == []


# Which lines each demo role's capabilities open.
LINES = {
    "coordinator": ["ideas", "sessions"],
    "staff_elderly": ["sheets", "sent_sheets", "conference_tasks"],
    "staff_disability": ["sheets", "sent_sheets", "conference_tasks"],
    "staff_other": ["sheets", "sent_sheets", "conference_tasks"],
    "cwc": ["ideas", "outreach"],
    "city": ["overdue_board"],
    "admin": ["ideas", "sessions", "overdue_board"],
}


@pytest.mark.parametrize("role", sorted(LINES))
def test_each_role_sees_the_lines_of_its_capabilities(
    role: str, users: dict[str, Any], client: Any
) -> None:
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [line.key for line in response.context["lines"]] == LINES[role]
    body = response.content.decode()
    assert 'data-testid="today"' in body
    for key in LINES[role]:
        assert f'data-line="{key}"' in body


@pytest.mark.parametrize("role", ["anonymous", "resident", "member"])
def test_residents_members_and_visitors_keep_the_portal_home(
    role: str, users: dict[str, Any], client: Any
) -> None:
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "lines" not in response.context
    assert 'data-testid="today"' not in response.content.decode()
    assert 'data-testid="role-cards"' in response.content.decode()


def test_the_today_page_keeps_the_role_cards(users: dict[str, Any], client: Any) -> None:
    client.force_login(users["coordinator"])
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="role-cards"' in body
    assert 'data-role="coordinator"' in body


def test_the_today_page_shows_counts_only_never_a_person(
    users: dict[str, Any], client: Any
) -> None:
    SheetFactory()  # 町田 太郎, to the disability agency
    for role in ("staff_elderly", "staff_disability", "city"):
        client.force_login(users[role])
        body = client.get(reverse("home")).content.decode()
        assert "町田 太郎" not in body and "まちだ たろう" not in body
        assert "042-000-1234" not in body


def test_reading_the_today_page_writes_no_access_log(users: dict[str, Any], client: Any) -> None:
    from consultations.models import AccessLog

    SheetFactory()
    client.force_login(users["staff_disability"])
    before = AccessLog.objects.count()
    client.get(reverse("home"))
    assert AccessLog.objects.count() == before
