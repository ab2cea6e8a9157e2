"""Reads for future sessions, scoped to who asks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cached_property
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
from .policies import session_scope


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


# "This week" on the staff "today" page: today and the six days after it (Tokyo), so that a
# Friday still shows next Monday's session.
WEEK_DAYS = 7


def this_week_q(*, now: datetime | None = None) -> Q:
    """A session this week: not cancelled, not over yet, and starting before the end of the
    sixth day after today (Tokyo)."""
    now = now or timezone.now()
    today = timezone.localtime(now, TOKYO).date()
    end = datetime.combine(today + timedelta(days=WEEK_DAYS), time.min, tzinfo=TOKYO)
    return Q(status=FutureSession.Status.SCHEDULED, ends_at__gte=now, starts_at__lt=end)


def sessions_this_week(user: Any) -> QuerySet[FutureSession]:
    """This week's sessions among those ``user`` runs (every session for those who manage
    them all)."""
    return session_scope(user, "manage").filter(this_week_q())


def sessions_for_calendar(
    *,
    district: District | None = None,
    kind: str = "",
    upcoming: bool = True,
    this_week: bool = False,
) -> QuerySet[FutureSession]:
    qs = FutureSession.objects.public().annotate(seats_taken=_seats_taken())
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now())
    if this_week:
        qs = qs.filter(this_week_q())
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


def session_for_page(pk: int) -> FutureSession | None:
    """The session row and its booked seats: what every view of the page needs. What the
    page shows alike to many people is read through ``SessionPageParts`` instead."""
    return FutureSession.objects.annotate(seats_taken=_seats_taken()).filter(pk=pk).first()


class SessionPageParts:
    """The parts of a session page that every viewer of a class sees alike, read on first
    use: the template caches them as fragments, so a cached page reads none of them.

    ``viewer_class`` is "all" for coordinators (who see every linked idea and project) and
    "public" for everyone else, who sees what a visitor sees: linked ideas that are public,
    not troubles and not drafts (an author's own private idea on the agenda is in their
    "my ideas" page, not here).
    """

    def __init__(self, session: FutureSession, user: Any) -> None:
        from django.contrib.auth.models import AnonymousUser

        from .policies import sees_every_linked_idea

        self.session = session
        self.viewer_class = "all" if sees_every_linked_idea(user) else "public"
        self._viewer = user if self.viewer_class == "all" else AnonymousUser()

    @cached_property
    def related(self) -> FutureSession:
        """The session with venue, district and organizing organization joined (one query
        instead of three lazy ones; ``session`` itself is read without them)."""
        return FutureSession.objects.public().get(pk=self.session.pk)

    @cached_property
    def themes(self) -> list[Any]:
        return list(self.session.themes.all())

    @cached_property
    def agenda(self) -> list[Any]:
        return list(self.session.agenda_ideas.visible_to(self._viewer).order_by("-created_at"))

    @cached_property
    def outcome(self) -> Any:
        from .models import SessionOutcome

        return SessionOutcome.objects.filter(session=self.session).first()

    @cached_property
    def photos(self) -> list[Any]:
        return list(self.session.photos.all())

    @cached_property
    def generated_ideas(self) -> list[Any]:
        return list(self.session.generated_ideas.visible_to(self._viewer).order_by("-created_at"))

    @cached_property
    def resulting_projects(self) -> list[Any]:
        return list(
            self.session.resulting_projects.visible_to(self._viewer).order_by("-created_at")
        )

    @cached_property
    def connections(self) -> list[Any]:
        return list(self.session.connections.select_related("first", "second"))


def live_registration_of(session: FutureSession, user: Any) -> Registration | None:
    """``user``'s registration for ``session`` that is not cancelled (registered or waiting)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        session.registrations.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


def waiting_count(session: FutureSession) -> int:
    return session.registrations.filter(status=Registration.Status.WAITING).count()


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
