"""Indicators computed from future sessions."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, Sum

from directory.fiscal import fiscal_year_datetimes
from indicators.registry import ComputedIndicator, register

from .models import FutureSession, SessionOutcome


def _held(fiscal_year: int, district: Any) -> Q:
    start, end = fiscal_year_datetimes(fiscal_year)
    q = Q(
        starts_at__gte=start,
        starts_at__lt=end,
        status=FutureSession.Status.SCHEDULED,
        outcome__isnull=False,
    )
    if district is not None:
        q &= Q(district=district)
    return q


def sessions_held(fiscal_year: int, district: Any = None) -> int:
    """Sessions that took place (an outcome was recorded) in the fiscal year."""
    return FutureSession.objects.filter(_held(fiscal_year, district)).count()


def session_participants(fiscal_year: int, district: Any = None) -> int:
    start, end = fiscal_year_datetimes(fiscal_year)
    q = Q(
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        session__status=FutureSession.Status.SCHEDULED,
    )
    if district is not None:
        q &= Q(session__district=district)
    total = SessionOutcome.objects.filter(q).aggregate(n=Sum("participant_count"))["n"]
    return int(total or 0)


register(
    ComputedIndicator(
        code="OP-SESSIONS-HELD",
        name_ja="フューチャーセッションの開催回数",
        name_en="Future sessions held",
        unit="cases",
        compute=sessions_held,
        list_url_name="future_sessions:calendar",
        description="開催結果が記録されたフューチャーセッション・地区別懇談会・対話の場の数",
    )
)
register(
    ComputedIndicator(
        code="OP-SESSIONS-PARTICIPANTS",
        name_ja="フューチャーセッションの参加者数",
        name_en="Participants in future sessions",
        unit="persons",
        compute=session_participants,
        list_url_name="future_sessions:calendar",
        description="開催結果に記録された参加者数の合計",
    )
)
