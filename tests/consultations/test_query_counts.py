"""List pages and the sheet page: the number of queries does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import conf
from consultations.models import SheetStatus, TsunaguSheet
from tests.factories import ConsultationFactory, SheetFactory

pytestmark = pytest.mark.django_db


def _count(client: Any, url: str, data: dict[str, str] | None = None) -> int:
    # Warm up first: roles and the unread count are cached between requests.
    client.get(url, data or {})
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, data or {})
        assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tab", ["incoming", "outgoing", "consultations"])
def test_inbox_query_count_is_flat(users: dict[str, Any], client: Any, tab: str) -> None:
    who = "staff_disability" if tab == "incoming" else "staff_elderly"
    SheetFactory()
    client.force_login(users[who])
    url = reverse("consultations:inbox")
    one = _count(client, url, {"tab": tab})
    for _ in range(6):
        SheetFactory()
    assert one > 3
    assert _count(client, url, {"tab": tab}) == one


def test_sheet_page_query_count_is_flat(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    client.force_login(users["staff_elderly"])
    url = reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    before = _count(client, url)
    from consultations import services
    from consultations.selectors import agency_of

    services.sheet_transition(
        sheet_id=sheet.pk,
        to=SheetStatus.FIRST_CONTACT,
        by=users["staff_disability"],
        agency=agency_of(users["staff_disability"]),  # type: ignore[arg-type]
        contact_on=timezone.localdate(),
        contact_method="phone",
        note="電話しました",
    )
    services.sheet_transition(
        sheet_id=sheet.pk,
        to=SheetStatus.SUPPORTING,
        by=users["staff_disability"],
        agency=agency_of(users["staff_disability"]),  # type: ignore[arg-type]
    )
    assert _count(client, url) == before


def test_overdue_board_query_count_is_flat(users: dict[str, Any], client: Any) -> None:
    client.force_login(users["city"])
    url = reverse("consultations:overdue_board")
    SheetFactory()
    TsunaguSheet.objects.update(deadline_at=timezone.now() - timedelta(days=1))
    one = _count(client, url)
    c = ConsultationFactory()
    for _ in range(5):
        SheetFactory(consultation=c)
    TsunaguSheet.objects.update(deadline_at=timezone.now() - timedelta(days=1))
    assert _count(client, url) == one


def test_consultation_page_query_count_is_flat(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    client.force_login(users["staff_elderly"])
    url = reverse("consultations:consultation_detail", kwargs={"pk": c.pk})
    one = _count(client, url)
    for _ in range(4):
        SheetFactory(consultation=c)
    assert _count(client, url) == one


def test_conference_outreach_and_log_lists_query_counts_are_flat(
    users: dict[str, Any], client: Any
) -> None:
    from tests.factories import ConferenceFactory, OutreachFactory

    ConferenceFactory()
    OutreachFactory()
    pages = [
        ("staff_elderly", reverse("consultations:conference_list")),
        ("staff_elderly", reverse("consultations:access_log")),
        ("cwc", reverse("consultations:outreach_list")),
        ("city", reverse("consultations:missing_resources")),
    ]
    before = {}
    for who, url in pages:
        client.force_login(users[who])
        before[url] = _count(client, url)
    for _ in range(4):
        ConferenceFactory()
        OutreachFactory()
    for who, url in pages:
        client.force_login(users[who])
        assert _count(client, url) == before[url], url


def test_a_board_page_past_the_count_cap_reads_its_rows_in_one_statement() -> None:
    """Past the cap a work list reads one row more than a page (``WorkListPaginator``): the
    board's compiled rows read (decision 0031) has a place for each of them, so a page is one
    statement for its ids and one for its rows, never a second chunk."""
    from consultations import selectors

    assert len(selectors._ROW_SLOTS) == conf.PAGE_SIZE + 1
