"""Reads scoped to the reader's agency. Anything outside the scope does not exist (404)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from directory.models import Membership, Organization, Resource, Role
from directory.search import search_filter

from . import conf
from .models import (
    TROUBLE_DOMAINS,
    AccessLog,
    Conference,
    Consultation,
    OutreachCase,
    SheetStatus,
    TsunaguSheet,
    TsunaguSheetQuerySet,
    UnmetNeed,
)

CASE_AGENCY_KINDS = (
    Organization.Kind.CONSULTATION_AGENCY,
    Organization.Kind.MEDICAL,
    Organization.Kind.NPO,
)


def agency_membership_of(user: Any) -> Membership | None:
    """The staff member's active membership at a consultation agency, kept on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_consultation_membership"):
        user._consultation_membership = (
            Membership.objects.filter(
                user=user,
                is_active=True,
                role=Role.CONSULTATION_STAFF,
                organization__is_active=True,
                organization__kind__in=CASE_AGENCY_KINDS,
            )
            .select_related("organization")
            .order_by("id")
            .first()
        )
    return user._consultation_membership  # type: ignore[no-any-return]


def agency_of(user: Any) -> Organization | None:
    membership = agency_membership_of(user)
    return membership.organization if membership else None


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    agency = agency_of(user)
    if agency is None:
        return Consultation.objects.none()
    return Consultation.objects.filter(agency=agency, anonymized_at__isnull=True)


def sheets_visible_to(user: Any) -> TsunaguSheetQuerySet:
    """Sheets the agency sent (any state) or received (once sent)."""
    agency = agency_of(user)
    if agency is None:
        return TsunaguSheet.objects.none()
    return TsunaguSheet.objects.filter(
        Q(sender=agency) | (Q(receiver=agency) & ~Q(status=SheetStatus.DRAFT))
    )


def incoming_sheets(
    user: Any, *, status: str = "", urgency: str = "", query: str = ""
) -> QuerySet[TsunaguSheet]:
    agency = agency_of(user)
    if agency is None:
        return TsunaguSheet.objects.none()
    qs = TsunaguSheet.objects.filter(receiver=agency).exclude(status=SheetStatus.DRAFT)
    if query:
        # The list shows numbers and states only; a name search would say whose sheet it is,
        # so it reaches only the sheets whose shared fields are open to the receiver today.
        qs = qs.shared_open(today=timezone.localdate())
    return _filtered(qs, status=status, urgency=urgency, query=query)


def outgoing_sheets(
    user: Any, *, status: str = "", urgency: str = "", query: str = ""
) -> QuerySet[TsunaguSheet]:
    agency = agency_of(user)
    if agency is None:
        return TsunaguSheet.objects.none()
    qs = TsunaguSheet.objects.filter(sender=agency)
    if query:
        # The sender owns the consultation, so it may search its full record.
        qs = qs.filter(consultation__in=search_filter(Consultation.objects.all(), query))
    return _filtered(qs, status=status, urgency=urgency, query="")


def _filtered(
    qs: QuerySet[TsunaguSheet], *, status: str, urgency: str, query: str
) -> QuerySet[TsunaguSheet]:
    if status:
        qs = qs.filter(status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if query:
        qs = search_filter(qs, query)
    return qs.select_related("sender", "receiver").order_by("-created_at", "-id")


def agency_consultations(
    user: Any, *, status: str = "", urgency: str = "", query: str = ""
) -> QuerySet[Consultation]:
    qs = consultations_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if query:
        qs = search_filter(qs, query)
    return qs.select_related("district").order_by("-created_at", "-id")


def possible_duplicates(user: Any, consultation: Consultation) -> QuerySet[Consultation]:
    """Other records of the same agency that may be the same person (kana, or name and birth
    date). Only records the agency may already see are compared."""
    match = Q(pk__in=[])
    if consultation.person_kana:
        match |= Q(person_kana=consultation.person_kana)
    if consultation.birth_date:
        match |= Q(person_name=consultation.person_name, birth_date=consultation.birth_date)
    return consultations_visible_to(user).filter(match).exclude(pk=consultation.pk)[:5]


STALE_STATES = (SheetStatus.RECEIVED, SheetStatus.FIRST_CONTACT, SheetStatus.SUPPORTING)


class OverdueBoard:
    """Overdue (sent, past the deadline) and stale (received, no change for a while) sheets,
    by deadline. The board shows agencies, urgency, dates and state only.

    A sequence for ``Paginator``. The two kinds are read as two index-ordered scans merged
    by the database (partial indexes ``sheet_overdue``/``sheet_stale_order``) and counted as two
    index-only counts: the one query with ``OR`` had to sort every late sheet for each page,
    1.1 s at p95 with 42,000 of them in the benchmark's data.
    """

    def __init__(self, *, now: Any = None) -> None:
        self.now = now or timezone.now()
        self.stale_before = self.now - timedelta(days=conf.SHEET_STALE_DAYS)

    def _overdue(self) -> QuerySet[TsunaguSheet]:
        return TsunaguSheet.objects.filter(status=SheetStatus.SENT, deadline_at__lt=self.now)

    def _stale(self) -> QuerySet[TsunaguSheet]:
        return TsunaguSheet.objects.filter(
            status__in=STALE_STATES, updated_at__lt=self.stale_before
        )

    def count(self) -> int:
        return self._overdue().count() + self._stale().count()

    def __len__(self) -> int:
        return self.count()

    def _page_ids(self, offset: int, limit: int) -> list[int]:
        parts: list[str] = []
        params: list[Any] = []
        for qs in (self._overdue(), self._stale()):
            sql, part_params = (
                qs.order_by("deadline_at", "id").values("id", "deadline_at").query.sql_with_params()
            )
            # Only the ORM's own SQL is composed here; every value stays a parameter.
            parts.append(f"SELECT * FROM ({sql}) part{len(parts)}")  # noqa: S608  # nosec B608
            params.extend(part_params)
        query = (
            f"SELECT id FROM ({' UNION ALL '.join(parts)}) late "  # noqa: S608  # nosec B608
            "ORDER BY deadline_at, id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def __getitem__(self, index: slice, /) -> list[TsunaguSheet]:
        start = index.start or 0
        stop = index.stop if index.stop is not None else start + conf.PAGE_SIZE
        ids = self._page_ids(start, max(stop - start, 0))
        rows = (
            TsunaguSheet.objects.filter(pk__in=ids)
            .select_related("sender", "receiver")
            .only(
                "id",
                "status",
                "urgency",
                "sent_at",
                "deadline_at",
                "updated_at",
                "sender__name",
                "receiver__name",
            )
            .in_bulk()
        )
        return [rows[pk] for pk in ids if pk in rows]


def overdue_board(*, now: Any = None) -> OverdueBoard:
    return OverdueBoard(now=now)


def access_log_for_supervisor(user: Any) -> QuerySet[AccessLog]:
    membership = agency_membership_of(user)
    if membership is None or not membership.is_supervisor:
        return AccessLog.objects.none()
    agency = membership.organization
    return (
        AccessLog.objects.filter(Q(agency=agency) | Q(owner_agency=agency))
        .select_related("user", "agency")
        .order_by("-at", "-id")
    )


def resources_for_troubles(troubles: list[str], district_id: int | None) -> QuerySet[Resource]:
    """Active resources ranked by how many of the troubles' domains they cover, those serving
    the person's district (or the whole city) first."""
    codes = sorted({code for t in troubles for code in TROUBLE_DOMAINS.get(t, ())})
    qs = Resource.objects.filter(is_active=True, domains__code__in=codes).annotate(
        score=Count("domains", filter=Q(domains__code__in=codes), distinct=True)
    )
    if district_id is not None:
        qs = qs.filter(Q(districts__isnull=True) | Q(districts__id=district_id))
    return qs.select_related("organization").order_by("-score", "name")[:10]


def conferences_visible_to(user: Any, *, today: Any = None) -> QuerySet[Conference]:
    """Conferences the agency takes part in. Medical institutions and NPOs (external
    participants) see a conference only until a limited time after it was held."""
    agency = agency_of(user)
    if agency is None:
        return Conference.objects.none()
    qs = Conference.objects.filter(participants=agency)
    if agency.kind != Organization.Kind.CONSULTATION_AGENCY:
        today = today or timezone.localdate()
        qs = qs.filter(held_on__gte=today - timedelta(days=conf.CONFERENCE_EXTERNAL_ACCESS_DAYS))
    return qs


def missing_resources_report() -> QuerySet[Any]:
    """Unmet needs counted by domain and district: what the city should develop."""
    return (
        UnmetNeed.objects.values("domain__name_ja", "district__name_ja")
        .annotate(count=Count("*"))
        .order_by("-count", "domain__name_ja", "district__name_ja")
    )


def outreach_membership_of(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_outreach_membership"):
        user._outreach_membership = (
            Membership.objects.filter(user=user, is_active=True, role=Role.WELFARE_COORDINATOR)
            .select_related("organization")
            .order_by("id")
            .first()
        )
    return user._outreach_membership  # type: ignore[no-any-return]


def outreach_visible_to(user: Any) -> QuerySet[OutreachCase]:
    membership = outreach_membership_of(user)
    if membership is None:
        return OutreachCase.objects.none()
    return OutreachCase.objects.filter(organization=membership.organization).exclude(
        status=OutreachCase.Status.ANONYMIZED
    )


def incoming_counts_by_state(user: Any) -> list[dict[str, Any]]:
    """How many incoming sheets are in each state (one grouped query)."""
    agency = agency_of(user)
    if agency is None:
        return []
    labels = dict(SheetStatus.choices)
    rows = (
        TsunaguSheet.objects.filter(receiver=agency)
        .exclude(status=SheetStatus.DRAFT)
        .values("status")
        .annotate(n=Count("*"))  # COUNT(*): an index-only scan
        .order_by("status")
    )
    order = list(SheetStatus.values)
    return sorted(
        ({"status": r["status"], "label": labels[r["status"]], "n": r["n"]} for r in rows),
        key=lambda r: order.index(r["status"]),
    )
