"""Reads for future sessions, scoped to who asks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from directory.fiscal import TOKYO
from directory.models import District

from .models import (
    ActionReview,
    DistrictVision,
    FutureSession,
    Registration,
    VisionAction,
)


def _seats_taken() -> Subquery:
    # A correlated subquery rather than a join + GROUP BY: with ORDER BY starts_at LIMIT n the
    # database sums the seats of the n sessions on the page only, not of every session.
    return Subquery(
        Registration.objects.filter(session=OuterRef("pk"), status=Registration.Status.REGISTERED)
        .order_by()
        .values("session")
        .annotate(n=Sum("seats"))
        .values("n")
    )


def _waiting_count() -> Subquery:
    return Subquery(
        Registration.objects.filter(session=OuterRef("pk"), status=Registration.Status.WAITING)
        .order_by()
        .values("session")
        .annotate(n=Count("*"))  # COUNT(*): an index-only scan
        .values("n")
    )


def sessions_for_calendar(
    *, district: District | None = None, kind: str = "", upcoming: bool = True
) -> QuerySet[FutureSession]:
    qs = FutureSession.objects.public().annotate(seats_taken=_seats_taken())
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now())
    if district is not None:
        # A district's calendar shows its own sessions and the city-wide ones.
        qs = qs.filter(Q(district=district) | Q(district__isnull=True))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("starts_at", "id")


def sessions_in_month(
    *, year: int, month: int, district: District | None = None, kind: str = ""
) -> QuerySet[FutureSession]:
    first = datetime.combine(date(year, month, 1), time.min, tzinfo=TOKYO)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return sessions_for_calendar(district=district, kind=kind, upcoming=False).filter(
        starts_at__gte=first, starts_at__lt=nxt
    )


def session_for_page(pk: int, user: Any = None) -> FutureSession | None:
    """The session with what every visit shows; ``session_outcome_parts`` has the rest."""
    from projects.models import Idea

    # Only what the visitor may see of the linked ideas (troubles and private ideas stay
    # hidden).
    ideas = Idea.objects.visible_to(user).order_by("-created_at")
    return (
        FutureSession.objects.public()
        .select_related("outcome")
        .prefetch_related("themes", Prefetch("agenda_ideas", queryset=ideas))
        .annotate(seats_taken=_seats_taken(), waiting_count=_waiting_count())
        .filter(pk=pk)
        .first()
    )


def session_outcome_parts(session: FutureSession, user: Any = None) -> dict[str, Any]:
    """What the outcome section lists, as lazy querysets: a session without an outcome (any
    upcoming one) never runs them."""
    return {
        "photos": session.photos.all(),
        "generated_ideas": session.generated_ideas.visible_to(user).order_by("-created_at"),
        "resulting_projects": session.resulting_projects.visible_to(user).order_by("-created_at"),
        "connections": session.connections.select_related("first", "second"),
    }


def registrations_of(user: Any) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session", "session__venue", "organization")
        .order_by("-session__starts_at", "-id")
    )


def checkin_list(session: FutureSession) -> QuerySet[Registration]:
    return (
        session.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("user", "organization")
        .order_by("status", "is_walk_in", "created_at", "id")
    )


def vision_for_district(district: District) -> DistrictVision | None:
    return (
        DistrictVision.objects.select_related("district")
        .prefetch_related(
            "themes",
            Prefetch(
                "actions",
                queryset=VisionAction.objects.select_related("owner").prefetch_related(
                    Prefetch(
                        "reviews",
                        queryset=ActionReview.objects.select_related("meeting").order_by(
                            "-fiscal_year"
                        ),
                    )
                ),
            ),
        )
        .filter(district=district)
        .first()
    )


def visions_overview() -> QuerySet[District]:
    return (
        District.objects.filter(is_active=True)
        .select_related("vision")
        .annotate(
            action_count=Count("vision__actions", distinct=True),
            done_count=Count(
                "vision__actions", filter=Q(vision__actions__status="done"), distinct=True
            ),
        )
    )
