"""Indicators from case work: counts and rates only, by database aggregation."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from directory.fiscal import fiscal_year_bounds, fiscal_year_datetimes
from indicators.registry import ComputedIndicator, register

from .models import Conference, OutreachAttempt, TsunaguSheet
from .oversight import RECEIVED_ON_TIME_Q, receipt_due_q


def _sent_sheets(fiscal_year: int, district: Any) -> QuerySet[TsunaguSheet]:
    start, end = fiscal_year_datetimes(fiscal_year)
    qs = TsunaguSheet.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if district is not None:
        qs = qs.filter(consultation__district=district)
    return qs


def sheets_sent(fiscal_year: int, district: Any = None) -> int:
    return _sent_sheets(fiscal_year, district).count()


def received_within_deadline_pct(fiscal_year: int, district: Any = None) -> float | None:
    """Of the sheets sent in the year whose receipt is due (``oversight.receipt_due_q``), the
    share received by the deadline: the same figure as the overdue board's agency summary."""
    counts = (
        _sent_sheets(fiscal_year, district)
        .filter(receipt_due_q(timezone.now()))
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=RECEIVED_ON_TIME_Q))
    )
    if not counts["due"]:
        return None
    return round(100 * counts["on_time"] / counts["due"], 1)


def median_days_to_first_contact(fiscal_year: int, district: Any = None) -> float | None:
    """The median, found by the database: count, then read the middle row(s) in order."""
    qs = _sent_sheets(fiscal_year, district).filter(days_to_first_contact__isnull=False)
    n = qs.count()
    if not n:
        return None
    ordered = qs.order_by("days_to_first_contact").values_list("days_to_first_contact", flat=True)
    if n % 2:
        return float(ordered[n // 2] or 0)
    lower, upper = (int(v or 0) for v in ordered[n // 2 - 1 : n // 2 + 1])
    return (lower + upper) / 2


def conferences_held(fiscal_year: int, district: Any = None) -> int | None:
    if district is not None:
        return None  # a conference belongs to agencies, not to a district
    start, end = fiscal_year_bounds(fiscal_year)
    return Conference.objects.filter(held_on__gte=start, held_on__lte=end).count()


def outreach_contacts_made(fiscal_year: int, district: Any = None) -> int:
    start, end = fiscal_year_bounds(fiscal_year)
    qs = OutreachAttempt.objects.filter(on__gte=start, on__lte=end, reached=True)
    if district is not None:
        qs = qs.filter(Q(case__district=district))
    return qs.count()


register(
    ComputedIndicator(
        code="OP-SHEETS-SENT",
        name_ja="つなぐシートの送付件数",
        name_en="Tsunagu sheets sent",
        unit="cases",
        compute=sheets_sent,
        description="その年度に相談支援機関から送られたつなぐシートの件数。",
    )
)
register(
    ComputedIndicator(
        code="OP-SHEETS-RECEIVED-ON-TIME",
        name_ja="期限内に受け取られたつなぐシートの割合",
        name_en="Tsunagu sheets received within the deadline",
        unit="%",
        compute=received_within_deadline_pct,
        description="送られたつなぐシートのうち、期限内に受け取りが確認された割合。",
    )
)
register(
    ComputedIndicator(
        code="OP-SHEETS-FIRST-CONTACT-DAYS",
        name_ja="つなぐシートから最初の連絡までの日数（中央値）",
        name_en="Days from a tsunagu sheet to the first contact (median)",
        unit="days",
        compute=median_days_to_first_contact,
        description="シートを受け取った機関が本人に最初に連絡するまでの日数の中央値。",
        direction="down",
    )
)
register(
    ComputedIndicator(
        code="OP-CONFERENCES-HELD",
        name_ja="多機関協働会議の開催回数",
        name_en="Multi-agency conferences held",
        unit="cases",
        compute=conferences_held,
        description="その年度に開催した多機関協働会議の回数。",
    )
)
register(
    ComputedIndicator(
        code="OP-OUTREACH-CONTACTS",
        name_ja="潜在的な相談者への訪問・手紙の件数",
        name_en="Outreach contacts with latent consulters",
        unit="cases",
        compute=outreach_contacts_made,
        description="地域福祉コーディネーターが記録した訪問・手紙などのうち、会えた・話せた件数。",
    )
)
