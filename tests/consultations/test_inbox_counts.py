"""The consultation inbox counts its incoming sheets once (decision 0026)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations import conf
from consultations.models import SheetStatus
from tests.factories import SheetFactory

pytestmark = pytest.mark.django_db


def _get(client: Any, **params: str) -> tuple[Any, list[str]]:
    url = reverse("consultations:inbox")
    client.get(url, params)  # warm the per-user caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def _sheet_counts(sql: list[str]) -> list[str]:
    return [q for q in sql if "COUNT(" in q and "tsunagusheet" in q]


@pytest.fixture
def three_sheets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "PAGE_SIZE", 2)
    SheetFactory()
    SheetFactory()
    SheetFactory(status=SheetStatus.RECEIVED)


def test_incoming_tab_counts_the_sheets_once_and_pages_by_that_total(
    users: dict[str, Any], client: Any, three_sheets: None
) -> None:
    client.force_login(users["staff_disability"])
    response, sql = _get(client)
    assert len(_sheet_counts(sql)) == 1  # the counts by state; no second COUNT(*)
    page = response.context["page_obj"]
    assert page.paginator.count == 3
    assert page.paginator.num_pages == 2
    assert len(page.object_list) == 2


def test_a_chosen_state_pages_by_that_states_count(
    users: dict[str, Any], client: Any, three_sheets: None
) -> None:
    client.force_login(users["staff_disability"])
    response, sql = _get(client, status=SheetStatus.SENT)
    assert len(_sheet_counts(sql)) == 1
    assert response.context["page_obj"].paginator.count == 2
    response, _ = _get(client, status=SheetStatus.DRAFT)  # never incoming
    assert response.context["page_obj"].paginator.count == 0


def test_an_urgency_filter_counts_the_list_itself(
    users: dict[str, Any], client: Any, three_sheets: None
) -> None:
    client.force_login(users["staff_disability"])
    response, sql = _get(client, urgency="urgent")
    assert len(_sheet_counts(sql)) == 2
    assert response.context["page_obj"].paginator.count == 0


def test_rows_show_what_they_showed(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory()
    client.force_login(users["staff_disability"])
    response, _ = _get(client)
    html = response.content.decode()
    url = reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    assert f'href="{url}"' in html
    assert f"つなぐシート #{sheet.pk}" in html
    assert sheet.sender.name in html
    assert "送付済み" in html
    sheet.refresh_from_db()
    if sheet.deadline_at:
        from django.utils import timezone

        assert timezone.localtime(sheet.deadline_at).strftime("%Y-%m-%d %H:%M") in html


def test_a_lateness_filter_counts_the_list_itself(
    users: dict[str, Any], client: Any, three_sheets: None
) -> None:
    client.force_login(users["staff_disability"])
    response, sql = _get(client, late="overdue")
    assert len(_sheet_counts(sql)) == 2
    assert response.context["page_obj"].paginator.count == len(
        response.context["page_obj"].object_list
    )


def test_the_inbox_as_it_opens_reads_what_the_orm_reads(users: dict[str, Any]) -> None:
    """The incoming tab without a filter is read with SQL compiled once per process (decision
    0031): its rows and its counts by state are those of ``incoming_sheet_scope``."""
    from consultations import policies, selectors
    from machida_portal.paging import capped_count

    for status in (SheetStatus.SENT, SheetStatus.SENT, SheetStatus.RECEIVED, SheetStatus.DRAFT):
        SheetFactory(status=status)
    for who in ("staff_disability", "staff_elderly"):  # the receiver, and the sender
        user = users[who]
        rows = selectors.incoming_list(user, status="", urgency="", query="", late="")
        orm = selectors.incoming_sheets(user).only(*selectors.SHEET_ROW_FIELDS)
        assert [s.pk for s in rows[0:2]] == [s.pk for s in orm[0:2]]
        assert [s.pk for s in rows[0:50]] == [s.pk for s in orm]
        assert [(s.sender.name, s.receiver.name) for s in rows[0:50]] == [
            (s.sender.name, s.receiver.name) for s in orm
        ]
        states = [s for s in SheetStatus.values if s != SheetStatus.DRAFT]
        scope = policies.incoming_sheet_scope(user)
        expected = {s: capped_count(scope.filter(status=s), conf.STATE_COUNT_CAP) for s in states}
        counted = {c["status"]: c["n"] for c in selectors.incoming_counts_by_state(user)}
        assert counted == {s: n for s, n in expected.items() if n}
    receiver_counts = selectors.incoming_counts_by_state(users["staff_disability"])
    assert {c["status"]: c["n"].n for c in receiver_counts} == {"sent": 2, "received": 1}
