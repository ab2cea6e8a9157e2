"""The per-agency summary of hand-overs for the city (the overdue board's summary page and the
CSV for the monthly meeting): counts, a rate and a median per receiving agency, nothing about
a person or a single sheet.

Definitions (shown on the page):

* **sent** — sheets sent to the agency in the period (``sent_at`` in it).
* **due** — of those, the ones whose outcome is known: not withdrawn, and either received or
  past the receipt deadline. A sheet still within its deadline is neither on time nor late yet.
* **received on time** — due sheets received (受理) by the deadline (``received_at <=
  deadline_at``). **on time %** = received on time ÷ due.
* **first contact** — the day the receiving agency recorded as 初回連絡日 when it moved the
  sheet to 初回連絡済み (``first_contact_on``); **days to first contact** are calendar days from
  the day the sheet was sent (``days_to_first_contact``, the same figure as the KPI). The
  median is over the sheets of the period that have one.
* **overdue now** / **stale now** — as on the board today (``selectors.lateness``), whatever the
  period.

Four queries whatever the number of agencies or sheets; the median is found by the database
(window functions, on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from directory.fiscal import TOKYO

from .models import SheetStatus, TsunaguSheet
from .selectors import lateness


@dataclass(frozen=True)
class Period:
    """[first, last] days, inclusive, in Tokyo time."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=TOKYO)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=TOKYO)


def fiscal_year_period(year: int) -> Period:
    return Period(date(year, 4, 1), date(year + 1, 3, 31))


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


@dataclass
class AgencyRow:
    agency_id: int
    agency: str
    sent: int = 0
    due: int = 0
    on_time: int = 0
    contacted: int = 0
    median_days_to_first_contact: float | None = None
    overdue_now: int = 0
    stale_now: int = 0
    _middle: list[int] = field(default_factory=list, repr=False)

    @property
    def on_time_pct(self) -> float | None:
        if not self.due:
            return None
        return float(round(Decimal(100 * self.on_time) / Decimal(self.due), 1))


def receipt_due_q(now: datetime) -> Q:
    """Sheets whose receipt is due as of ``now``: not withdrawn, and received or past the
    deadline. "Received on time" is a share of these, both in the agency summary and in the
    indicator ``OP-SHEETS-RECEIVED-ON-TIME`` (a sheet still inside its deadline counts in
    neither part)."""
    return ~Q(status=SheetStatus.WITHDRAWN) & (
        Q(received_at__isnull=False) | Q(deadline_at__lt=now)
    )


# Received by the end of its deadline (of the sheets ``receipt_due_q`` counts).
RECEIVED_ON_TIME_Q = Q(received_at__lte=F("deadline_at"))


def agency_summary(period: Period, *, now: datetime | None = None) -> list[AgencyRow]:
    """One row per receiving agency with sheets sent in ``period`` or late now, by name."""
    now = now or timezone.now()
    late = lateness(now=now)
    in_period = Q(sent_at__gte=period.start, sent_at__lt=period.end)
    rows: dict[int, AgencyRow] = {}

    def row(agency_id: int, name: str) -> AgencyRow:
        if agency_id not in rows:
            rows[agency_id] = AgencyRow(agency_id=agency_id, agency=name)
        return rows[agency_id]

    due = receipt_due_q(now)
    counts = (
        TsunaguSheet.objects.filter(in_period)
        .values("receiver_id", "receiver__name")
        .annotate(
            sent=Count("id"),
            due=Count("id", filter=due),
            on_time=Count("id", filter=due & RECEIVED_ON_TIME_Q),
            contacted=Count("id", filter=Q(days_to_first_contact__isnull=False)),
        )
        .order_by()
    )
    for c in counts:
        r = row(c["receiver_id"], c["receiver__name"])
        r.sent, r.due, r.on_time, r.contacted = c["sent"], c["due"], c["on_time"], c["contacted"]

    # The median: rank each agency's days to first contact; the middle one (odd count) or two
    # (even) are the rows whose rank r satisfies n <= 2r <= n + 2.
    ranked = (
        TsunaguSheet.objects.filter(in_period, days_to_first_contact__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("receiver_id")],
                order_by=[F("days_to_first_contact").asc(), F("id").asc()],
            ),
            n=Window(Count("id"), partition_by=[F("receiver_id")]),
        )
        .annotate(twice_rank=F("rank") * 2)
        .filter(twice_rank__gte=F("n"), twice_rank__lte=F("n") + 2)
        .values_list("receiver_id", "receiver__name", "days_to_first_contact")
        .order_by()
    )
    for agency_id, name, days in ranked:
        row(agency_id, name)._middle.append(int(days or 0))

    for kind in ("overdue", "stale"):
        late_counts = (
            TsunaguSheet.objects.filter(late.q(kind))  # type: ignore[arg-type]
            .values("receiver_id", "receiver__name")
            .annotate(n=Count("id"))
            .order_by()
        )
        for late_count in late_counts:
            r = row(late_count["receiver_id"], late_count["receiver__name"])
            setattr(r, f"{kind}_now", late_count["n"])

    for r in rows.values():
        if r._middle:
            r.median_days_to_first_contact = sum(r._middle) / len(r._middle)
    return sorted(rows.values(), key=lambda r: (r.agency, r.agency_id))


def summary_totals(rows: list[AgencyRow]) -> AgencyRow:
    """The whole city's line (the median is not the median of medians, so it is left out)."""
    total = AgencyRow(agency_id=0, agency="")
    for r in rows:
        total.sent += r.sent
        total.due += r.due
        total.on_time += r.on_time
        total.contacted += r.contacted
        total.overdue_now += r.overdue_now
        total.stale_now += r.stale_now
    return total


# The CSV for the monthly meeting: its columns, in order, with their Japanese titles for the
# page. The Table Schema shipped in ``consultations/schemas/`` describes the same columns.
CSV_COLUMNS: tuple[str, ...] = (
    "period_first_day",
    "period_last_day",
    "agency",
    "sheets_sent",
    "sheets_due",
    "received_on_time",
    "received_on_time_pct",
    "first_contacts",
    "median_days_to_first_contact",
    "overdue_now",
    "stale_now",
)


def csv_rows(period: Period, rows: list[AgencyRow]) -> list[dict[str, Any]]:
    return [
        {
            "period_first_day": period.first.isoformat(),
            "period_last_day": period.last.isoformat(),
            "agency": r.agency,
            "sheets_sent": r.sent,
            "sheets_due": r.due,
            "received_on_time": r.on_time,
            "received_on_time_pct": "" if r.on_time_pct is None else r.on_time_pct,
            "first_contacts": r.contacted,
            "median_days_to_first_contact": (
                "" if r.median_days_to_first_contact is None else r.median_days_to_first_contact
            ),
            "overdue_now": r.overdue_now,
            "stale_now": r.stale_now,
        }
        for r in rows
    ]
