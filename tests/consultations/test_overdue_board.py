"""The city's overdue board: days late and days without movement in business days, the one
definition of "stale", server-side sorting, the per-agency summary and its CSV."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import frictionless
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import oversight, services
from consultations.models import SheetStatus, SheetTransition, TsunaguSheet
from consultations.selectors import BOARD_SORTS, agency_of, late_sheets, lateness, overdue_board
from directory.fiscal import current_fiscal_year
from directory.models import Organization
from tests.factories import ConsultationFactory, OrganizationFactory, SheetFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
SCHEMA = Path(oversight.__file__).parent / "schemas" / "overdue-summary.schema.json"
# Monday 4 January 2027, the first business day after 年末年始.
MONDAY = datetime(2027, 1, 4, 10, 0, tzinfo=TOKYO)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=TOKYO)


def _sheet(status: str = SheetStatus.SENT, **fields: Any) -> TsunaguSheet:
    """A sheet of the test's one consultation; a state the factory cannot walk to (withdrawn)
    is set on a sent sheet, as are the times the test needs."""
    walked = status if status in (SheetStatus.SENT, SheetStatus.RECEIVED) else SheetStatus.SENT
    sheet = SheetFactory(status=walked, consultation=_sheet.consultation)  # type: ignore[attr-defined]
    if walked != status:
        fields["status"] = status
    if fields:
        TsunaguSheet.objects.filter(pk=sheet.pk).update(**fields)
        sheet.refresh_from_db()
    return sheet


@pytest.fixture(autouse=True)
def _one_consultation(users: dict[str, Any]) -> None:
    _sheet.consultation = ConsultationFactory()  # type: ignore[attr-defined]


# --- the one definition -------------------------------------------------------------------


def test_last_movement_is_the_last_transition(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    last = SheetTransition.objects.filter(sheet=sheet).order_by("-at", "-id").first()
    assert last is not None and sheet.updated_at == last.at


@pytest.mark.parametrize(
    ("moved", "closed", "stale", "days"),
    [
        # Business days counted back from Monday 1/4: 1/4, then 12/28 (12/29–1/3 closed).
        (_at(date(2026, 12, 27), 23), True, True, 2),
        (_at(date(2026, 12, 28), 9), True, False, 1),
        (_at(date(2027, 1, 4), 8), True, False, 0),
        # With the offices open at the year end, 12/28 is already four business days back.
        (_at(date(2026, 12, 28), 9), False, True, 4),
    ],
)
def test_stale_means_no_movement_for_n_business_days(
    settings: Any, moved: datetime, closed: bool, stale: bool, days: int
) -> None:
    settings.CONSULTATIONS_SHEET_STALE_DAYS = 2
    settings.CONSULTATIONS_YEAR_END_CLOSED = closed
    sheet = _sheet(SheetStatus.RECEIVED, updated_at=moved)
    late = lateness(now=MONDAY)
    assert late.days_without_movement(sheet) == days
    assert (days >= 2) == stale
    assert late_sheets(kind="stale", now=MONDAY).filter(pk=sheet.pk).exists() == stale


def test_days_late_count_business_days_after_the_deadline_day() -> None:
    due_friday = _sheet(deadline_at=_at(date(2026, 12, 25), 23))
    due_monday = _sheet(deadline_at=_at(date(2026, 12, 28), 23))
    on_time = _sheet(deadline_at=_at(date(2027, 1, 5), 23))
    late = lateness(now=MONDAY)
    assert late.days_late(due_friday) == 2  # 12/28 and 1/4
    assert late.days_late(due_monday) == 1
    ids = set(late_sheets(kind="overdue", now=MONDAY).values_list("pk", flat=True))
    assert ids == {due_friday.pk, due_monday.pk} and on_time.pk not in ids


def test_late_sheets_narrows_a_scope_it_is_given(users: dict[str, Any]) -> None:
    mine = _sheet(deadline_at=MONDAY - timedelta(days=3))
    other = OrganizationFactory(name="別の機関")
    theirs = _sheet(deadline_at=MONDAY - timedelta(days=3))
    TsunaguSheet.objects.filter(pk=theirs.pk).update(receiver=other)
    scope = TsunaguSheet.objects.filter(receiver=agency_of(users["staff_disability"]))
    assert list(late_sheets(scope, kind="overdue", now=MONDAY)) == [mine]


# --- the board ----------------------------------------------------------------------------


def _board_ids(client: Any, **query: str) -> list[int]:
    body = client.get(reverse("consultations:overdue_board"), query).content.decode()
    return [int(part.split("</td>")[0]) for part in body.split("<tr><td>")[1:]]


def test_board_rows_show_business_days_late_and_without_movement(
    users: dict[str, Any], client: Any, clock: Any
) -> None:
    clock.set(MONDAY)
    _sheet(
        deadline_at=_at(date(2026, 12, 25), 23),
        sent_at=_at(date(2026, 12, 22)),
        updated_at=_at(date(2026, 12, 22)),
    )
    client.force_login(users["city"])
    body = client.get(reverse("consultations:overdue_board")).content.decode()
    # 2 business days late (12/28, 1/4); 12/22 → 1/4: 12/23, 24, 25, 28, 1/4.
    days = '<td class="text-end">2</td><td class="text-end">5</td>'
    dates = '<td class="text-nowrap">2026-12-22</td><td class="text-nowrap">2026-12-25</td>'
    assert days in body and dates + '<td class="text-nowrap">2026-12-22</td>' in body
    assert "年末年始" in body and "営業日" in body


@pytest.mark.parametrize("sort", list(BOARD_SORTS))
def test_board_sorts_on_the_server_by_each_whitelisted_key(
    users: dict[str, Any], client: Any, sort: str
) -> None:
    now = timezone.now()
    other = OrganizationFactory(name="あいうえお相談室")
    sheets = []
    for i, (late_days, still_days, sent_days) in enumerate([(3, 30, 9), (9, 20, 20), (1, 40, 4)]):
        sheets.append(
            _sheet(
                deadline_at=now - timedelta(days=late_days),
                updated_at=now - timedelta(days=still_days),
                sent_at=now - timedelta(days=sent_days),
            )
        )
        if i == 1:
            TsunaguSheet.objects.filter(pk=sheets[-1].pk).update(receiver=other, sender=other)
    client.force_login(users["city"])
    ids = _board_ids(client, sort=sort)
    by = {s.pk: s for s in TsunaguSheet.objects.select_related("receiver", "sender")}
    keys = {
        "deadline": lambda pk: (by[pk].deadline_at, pk),
        "movement": lambda pk: (by[pk].updated_at, pk),
        "receiver": lambda pk: (by[pk].receiver.name, by[pk].deadline_at, pk),
        "sender": lambda pk: (by[pk].sender.name, by[pk].deadline_at, pk),
        "sent": lambda pk: (by[pk].sent_at, pk),
        "-sent": lambda pk: (by[pk].sent_at, pk),
    }
    expected = sorted(by, key=keys[sort], reverse=sort.startswith("-"))
    assert ids == expected


@pytest.mark.parametrize("sort", list(BOARD_SORTS))
def test_an_empty_board_says_so_in_every_order(
    users: dict[str, Any], client: Any, sort: str
) -> None:
    _sheet(deadline_at=timezone.now() + timedelta(days=3))  # sent, still in time
    client.force_login(users["city"])
    response = client.get(reverse("consultations:overdue_board"), {"sort": sort})
    assert response.status_code == 200
    assert "期限切れのつなぎはありません。" in response.content.decode()


def test_an_unknown_sort_falls_back_to_the_deadline_order(
    users: dict[str, Any], client: Any
) -> None:
    now = timezone.now()
    first = _sheet(deadline_at=now - timedelta(days=5))
    second = _sheet(deadline_at=now - timedelta(days=2))
    client.force_login(users["city"])
    for sort in ("id; DROP TABLE x", "sort0", "-deadline", ""):
        response = client.get(reverse("consultations:overdue_board"), {"sort": sort})
        assert response.status_code == 200
        assert _board_ids(client, sort=sort) == [first.pk, second.pk]


def test_board_pages_keep_the_sort(users: dict[str, Any], client: Any, settings: Any) -> None:
    from consultations import conf

    now = timezone.now()
    for i in range(conf.PAGE_SIZE + 2):
        _sheet(deadline_at=now - timedelta(days=1, minutes=i), updated_at=now - timedelta(hours=i))
    client.force_login(users["city"])
    body = client.get(reverse("consultations:overdue_board"), {"sort": "movement"}).content.decode()
    assert 'href="?sort=movement&amp;page=2"' in body
    board = overdue_board(sort="movement")
    page_two = _board_ids(client, sort="movement", page="2")
    assert page_two == [s.pk for s in board[conf.PAGE_SIZE : conf.PAGE_SIZE * 2]]
    assert len(page_two) == 2


@pytest.mark.parametrize("sort", list(BOARD_SORTS))
def test_board_query_count_is_flat_in_every_order(
    users: dict[str, Any], client: Any, sort: str
) -> None:
    def count() -> int:
        client.get(url, {"sort": sort})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"sort": sort}).status_code == 200
        return len(ctx.captured_queries)

    url = reverse("consultations:overdue_board")
    client.force_login(users["city"])
    now = timezone.now()
    for _ in range(2):
        _sheet(deadline_at=now - timedelta(days=2))
        _sheet(SheetStatus.RECEIVED, updated_at=now - timedelta(days=40))
    few = count()
    for _ in range(4):
        _sheet(deadline_at=now - timedelta(days=2))
        _sheet(SheetStatus.RECEIVED, updated_at=now - timedelta(days=40))
    assert count() == few


# --- the summary --------------------------------------------------------------------------


def _receiver(users: dict[str, Any]) -> Organization:
    agency = agency_of(users["staff_disability"])
    assert agency is not None
    return agency


def test_summary_counts_on_time_rate_and_median_per_agency(
    users: dict[str, Any], clock: Any
) -> None:
    clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=TOKYO))
    sent = _at(date(2026, 11, 2))
    deadline = _at(date(2026, 11, 5), 23)
    common = {"sent_at": sent, "deadline_at": deadline}
    # Received on time, late, never (past the deadline), withdrawn; and one still in time.
    _sheet(
        SheetStatus.RECEIVED, received_at=_at(date(2026, 11, 4)), days_to_first_contact=2, **common
    )
    _sheet(
        SheetStatus.RECEIVED, received_at=_at(date(2026, 11, 9)), days_to_first_contact=9, **common
    )
    _sheet(
        SheetStatus.RECEIVED, received_at=_at(date(2026, 11, 3)), days_to_first_contact=4, **common
    )
    _sheet(SheetStatus.SENT, **common)
    _sheet(SheetStatus.WITHDRAWN, **common)
    _sheet(
        SheetStatus.SENT, sent_at=_at(date(2026, 11, 30)), deadline_at=_at(date(2026, 12, 3), 23)
    )
    # Another agency: two contacts, so an even median.
    other = OrganizationFactory(name="あおば相談室")
    for days in (3, 6):
        s = _sheet(
            SheetStatus.RECEIVED,
            received_at=_at(date(2026, 11, 3)),
            days_to_first_contact=days,
            **common,
        )
        TsunaguSheet.objects.filter(pk=s.pk).update(receiver=other)
    # Sent in October: outside a November summary, inside the fiscal year's.
    _sheet(SheetStatus.SENT, sent_at=_at(date(2026, 10, 1)), deadline_at=_at(date(2026, 10, 6), 23))

    rows = {r.agency: r for r in oversight.agency_summary(oversight.month_period(2026, 11))}
    mine = rows[_receiver(users).name]
    assert (mine.sent, mine.due, mine.on_time, mine.contacted) == (6, 4, 2, 3)
    assert mine.on_time_pct == 50.0
    assert mine.median_days_to_first_contact == 4
    assert mine.overdue_now == 2  # the unreceived one of November and the October one
    theirs = rows["あおば相談室"]
    assert (theirs.sent, theirs.on_time, theirs.median_days_to_first_contact) == (2, 2, 4.5)

    year = {r.agency: r for r in oversight.agency_summary(oversight.fiscal_year_period(2026))}
    assert year[_receiver(users).name].sent == 7


def test_summary_page_defines_its_figures_and_rejects_a_bad_period(
    users: dict[str, Any], client: Any
) -> None:
    _sheet(deadline_at=timezone.now() - timedelta(days=3))
    client.force_login(users["city"])
    url = reverse("consultations:overdue_summary")
    body = client.get(url).content.decode()
    assert "初回連絡日" in body and "中央値" in body and "期限内受理率" in body
    assert _receiver(users).name in body
    bad = client.get(url, {"year": "1999", "month": "13"})
    assert bad.status_code == 400
    assert "期間の選び方が正しくありません" in bad.content.decode()
    client.cookies.load({"django_language": "en"})
    english = client.get(url, {"year": "1999"})
    assert english.status_code == 400
    assert "Choose the fiscal year and month from the lists" in english.content.decode()
    assert (
        client.get(reverse("consultations:overdue_summary_csv"), {"month": "x"}).status_code == 400
    )


def test_summary_query_count_is_flat_in_agencies_and_sheets(
    users: dict[str, Any], client: Any
) -> None:
    def build(n: int) -> None:
        now = timezone.now()
        for _ in range(n):
            agency = OrganizationFactory()
            for status in (SheetStatus.SENT, SheetStatus.RECEIVED):
                s = _sheet(
                    status,
                    deadline_at=now - timedelta(days=2),
                    updated_at=now - timedelta(days=40),
                    days_to_first_contact=3,
                )
                TsunaguSheet.objects.filter(pk=s.pk).update(receiver=agency)

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(users["city"])
    urls = [reverse("consultations:overdue_summary"), reverse("consultations:overdue_summary_csv")]
    build(2)
    before = [count(u) for u in urls]
    build(4)
    assert [count(u) for u in urls] == before


# --- the CSV ------------------------------------------------------------------------------


def _csv(client: Any, tmp_path: Path, **query: str) -> tuple[bytes, Path]:
    response = client.get(reverse("consultations:overdue_summary_csv"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    path = tmp_path / "summary.csv"
    path.write_bytes(response.content)
    return response.content, path


def _resource(path: Path) -> frictionless.Resource:
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return frictionless.Resource(path=path.name, basepath=str(path.parent), schema=schema)


def _validate(path: Path) -> list[Any]:
    resource = _resource(path)
    report = frictionless.validate(resource)
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_csv_columns_are_the_schema_fields() -> None:
    fields = [f["name"] for f in json.loads(SCHEMA.read_text(encoding="utf-8"))["fields"]]
    assert fields == list(oversight.CSV_COLUMNS)


def test_csv_validates_against_the_shipped_table_schema(
    users: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    _sheet(deadline_at=timezone.now() - timedelta(days=3))
    _sheet(SheetStatus.RECEIVED, days_to_first_contact=3)
    client.force_login(users["city"])
    body, path = _csv(client, tmp_path)
    assert body.startswith(b"\xef\xbb\xbf")
    assert _validate(path) == []
    rows = _resource(path).read_rows()  # type: ignore[attr-defined]
    assert [r["agency"] for r in rows] == [_receiver(users).name]
    # A broken file fails: the schema is not a formality.
    path.write_bytes(body.replace(b",3.0,", b",three,").replace(b",3,", b",three,"))
    assert _validate(path) != []


def test_csv_of_the_demo_data_holds_no_personal_value(
    demo: Any, users: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    from consultations.demo import seed
    from consultations.models import Consultation

    seed(demo)
    client.force_login(users["city"])
    year = current_fiscal_year()
    bodies = []
    for query in (
        {},
        {"year": str(year - 1)},
        {"year": str(year), "month": str(timezone.localdate().month)},
    ):
        body, path = _csv(client, tmp_path, **query)
        assert _validate(path) == []
        bodies.append(body.decode("utf-8-sig"))
    text = "\n".join(bodies)
    assert text.count("\n") > 3  # the demo's agencies are there
    personal: set[str] = set()
    for c in Consultation.objects.all():
        personal |= {c.person_name, c.person_kana, c.phone, c.narrative, c.visitor_relation}
        if c.birth_date:
            personal |= {c.birth_date.isoformat(), f"{c.birth_date:%Y/%m/%d}"}
    for s in TsunaguSheet.objects.all():
        personal |= {s.reason, s.report_back, s.decline_reason, s.return_reason, s.contact_times}
    leaks = sorted(v for v in personal if v and len(v) > 1 and v in text)
    assert leaks == []
    # No sheet numbers either: no column could hold one.
    assert not {"id", "sheet", "sheet_id"} & set(oversight.CSV_COLUMNS)


def test_the_board_and_summary_name_no_person(users: dict[str, Any], client: Any) -> None:
    _sheet(deadline_at=timezone.now() - timedelta(days=3))
    _sheet(SheetStatus.RECEIVED, updated_at=timezone.now() - timedelta(days=60))
    client.force_login(users["city"])
    for name in ("overdue_board", "overdue_summary"):
        body = client.get(reverse(f"consultations:{name}")).content.decode()
        assert "町田 太郎" not in body and "まちだ たろう" not in body
        assert "042-000-1234" not in body and "息子" not in body and "1948" not in body


def test_a_new_consent_is_no_movement(users: dict[str, Any]) -> None:
    """Recording a consent anew rewrites the sheets' search documents, not their movement."""
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    before = TsunaguSheet.objects.get(pk=sheet.pk).updated_at
    consultation = sheet.consultation
    services.consultation_consent_update(
        consultation=consultation,
        by=users["staff_elderly"],
        status="given",
        method="verbal",
        fields=["name", "troubles"],
        domains=list(consultation.consent_domains.all()),
        agencies=[],
        expires_on=None,
    )
    assert TsunaguSheet.objects.get(pk=sheet.pk).updated_at == before
