"""Each count on the "today" page links to a list that shows exactly those items, and the
counts follow the data."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services as case_services
from consultations.models import ConferenceTask, OutreachCase, SheetStatus, TsunaguSheet
from consultations.selectors import agency_of
from sessions.models import FutureSession
from tests.factories import (
    ConferenceFactory,
    IdeaFactory,
    OutreachFactory,
    SessionFactory,
    SheetFactory,
)

pytestmark = pytest.mark.django_db


def _work(users: dict[str, Any]) -> None:
    """Something for every line: late sheets both ways, a task and an outreach contact due,
    unanswered ideas (one past the acknowledgement time), sessions this week."""
    overdue = SheetFactory()
    stale = SheetFactory(status=SheetStatus.RECEIVED)
    SheetFactory(urgency="urgent")
    # Raw states: a deadline and a last move in the past (the services need days to get there).
    TsunaguSheet.objects.filter(pk=overdue.pk).update(
        deadline_at=timezone.now() - timedelta(hours=2)
    )
    TsunaguSheet.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=40))
    conference = ConferenceFactory()
    for agency in (agency_of(users["staff_elderly"]), agency_of(users["staff_disability"])):
        assert agency is not None
        case_services.conference_task_add(
            conference=conference,
            by=users["staff_elderly"],
            agency=agency_of(users["staff_elderly"]),  # type: ignore[arg-type]
            organization=agency,
            description="訪問の日程を決める",
            due_on=timezone.localdate(),
        )
    case = OutreachFactory()
    OutreachCase.objects.filter(pk=case.pk).update(
        next_contact_on=timezone.localdate() - timedelta(days=1)
    )
    IdeaFactory()
    old = IdeaFactory()
    from projects.models import Idea

    Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    SessionFactory(starts_at=timezone.now() + timedelta(days=2))
    SessionFactory(starts_at=timezone.now() + timedelta(days=20))  # not this week


def _listed(response: Any) -> int:
    return int(response.context["page_obj"].paginator.count)


ROLES = ["coordinator", "staff_elderly", "staff_disability", "cwc", "city", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_every_count_links_to_a_list_of_exactly_those_items(
    role: str, users: dict[str, Any], client: Any
) -> None:
    _work(users)
    client.force_login(users[role])
    response = client.get(reverse("home"))
    by_url: dict[str, int] = defaultdict(int)
    for line in response.context["lines"]:
        for c in line.counts:
            by_url[c.url] += c.count
    assert any(by_url.values()), "the test data gives this role something to do"
    for url, count in by_url.items():
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert _listed(listed) == count, url


def test_counts_follow_the_data(users: dict[str, Any], client: Any) -> None:
    def counts(role: str) -> dict[str, int]:
        client.force_login(users[role])
        lines = client.get(reverse("home")).context["lines"]
        return {c.testid: c.count for line in lines for c in line.counts}

    before = {role: counts(role) for role in ROLES}
    _work(users)
    after = {role: counts(role) for role in ROLES}

    def grew(role: str, testid: str) -> int:
        return after[role][testid] - before[role][testid]

    assert grew("staff_disability", "today-to-receive") == 2  # overdue + urgent
    assert grew("staff_disability", "today-incoming-overdue") == 1
    assert grew("staff_disability", "today-incoming-stale") == 1
    assert grew("staff_elderly", "today-outgoing-overdue") == 1
    assert grew("staff_elderly", "today-outgoing-stale") == 1
    assert grew("staff_elderly", "today-to-receive") == 0
    assert grew("staff_elderly", "today-conference-tasks") == 1
    assert grew("staff_disability", "today-conference-tasks") == 1
    assert grew("cwc", "today-outreach-due") == 1
    assert grew("coordinator", "today-ideas-unanswered") == 2
    assert grew("coordinator", "today-ideas-overdue") == 1
    assert grew("coordinator", "today-sessions-week") == 1
    assert grew("city", "today-board-overdue") == 1
    assert grew("city", "today-board-stale") == 1


def test_done_tasks_cancelled_sessions_and_answered_ideas_leave_the_counts(
    users: dict[str, Any], client: Any
) -> None:
    _work(users)
    client.force_login(users["coordinator"])

    def counts() -> dict[str, int]:
        lines = client.get(reverse("home")).context["lines"]
        return {c.testid: c.count for line in lines for c in line.counts}

    before = counts()
    # Raw state: a cancellation without the service's mail to the registrants.
    FutureSession.objects.filter(starts_at__lt=timezone.now() + timedelta(days=7)).update(
        status=FutureSession.Status.CANCELLED
    )
    assert counts()["today-sessions-week"] == 0 < before["today-sessions-week"]

    client.force_login(users["staff_elderly"])
    lines = client.get(reverse("home")).context["lines"]
    tasks = {c.testid: c.count for line in lines for c in line.counts}["today-conference-tasks"]
    ConferenceTask.objects.filter(organization=agency_of(users["staff_elderly"])).update(done=True)
    lines = client.get(reverse("home")).context["lines"]
    assert {c.testid: c.count for line in lines for c in line.counts}[
        "today-conference-tasks"
    ] == tasks - 1


def test_the_most_urgent_deadline_is_shown_as_time_left(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory()
    TsunaguSheet.objects.filter(receiver=sheet.receiver, status=SheetStatus.SENT).update(
        deadline_at=timezone.now() + timedelta(hours=3, minutes=10)
    )
    client.force_login(users["staff_disability"])
    body = client.get(reverse("home")).content.decode()
    assert "あと3時間" in body
    TsunaguSheet.objects.filter(pk=sheet.pk).update(
        deadline_at=timezone.now() - timedelta(minutes=5)
    )
    body = client.get(reverse("home")).content.decode()
    assert "期限切れ" in body
