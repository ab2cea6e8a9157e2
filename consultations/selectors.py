"""Reads scoped to the reader's agency. Anything outside the scope does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from directory.models import Resource
from directory.search import search_filter

from . import conf, policies
from .models import (
    TROUBLE_DOMAINS,
    AccessLog,
    ConferenceTask,
    Consultation,
    OutreachCase,
    SheetStatus,
    TsunaguSheet,
    UnmetNeed,
)

# The scopes live in ``policies``; these names stay for the pages and tests that read them.
agency_membership_of = policies.agency_membership_of
agency_of = policies.agency_of
outreach_membership_of = policies.outreach_membership_of
consultations_visible_to = policies.consultation_scope
sheets_visible_to = policies.sheet_scope
conferences_visible_to = policies.conference_scope
outreach_visible_to = policies.outreach_scope


def incoming_sheets(
    user: Any, *, status: str = "", urgency: str = "", query: str = "", late: str = ""
) -> QuerySet[TsunaguSheet]:
    qs = policies.incoming_sheet_scope(user)
    if query:
        # The list shows numbers and states only; a name search would say whose sheet it is,
        # so it reaches only the sheets whose shared fields are open to the receiver today.
        qs = qs.shared_open(today=timezone.localdate())
    return _filtered(qs, status=status, urgency=urgency, query=query, late=late)


def outgoing_sheets(
    user: Any, *, status: str = "", urgency: str = "", query: str = "", late: str = ""
) -> QuerySet[TsunaguSheet]:
    qs = policies.outgoing_sheet_scope(user)
    if query:
        # The sender owns the consultation, so it may search its full record.
        qs = qs.filter(consultation__in=search_filter(Consultation.objects.all(), query))
    return _filtered(qs, status=status, urgency=urgency, query="", late=late)


def _filtered(
    qs: QuerySet[TsunaguSheet], *, status: str, urgency: str, query: str, late: str = ""
) -> QuerySet[TsunaguSheet]:
    if status:
        qs = qs.filter(status=status)
    if late in ("overdue", "stale"):
        # The overdue board's definitions (``lateness``).
        qs = late_sheets(qs, kind="overdue" if late == "overdue" else "stale")
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


LateKind = Literal["overdue", "stale", "any"]


@dataclass(frozen=True)
class Lateness:
    """THE one definition of a late hand-over, as of ``now``, used by the city's overdue
    board, the agencies' inbox filter (``?late=``) and the staff "today" page, so all three
    count the same sheets:

    * **last movement** — the sheet's last transition, whose time ``sheet_transition`` writes
      to ``TsunaguSheet.updated_at`` (indexed, so the history table is not read);
    * **overdue** — 送付済み and the receipt deadline (``deadline_at``) has passed;
    * **stale** — received, first contact or supporting, and no movement since
      ``stale_before`` (``CONSULTATIONS_SHEET_STALE_DAYS`` before now).

    (The same names as the overdue board's rework, part "overdue", which counts the stale
    days in business days; either body serves every caller.)
    """

    now: datetime
    stale_before: datetime

    @property
    def overdue_q(self) -> Q:
        return Q(status=SheetStatus.SENT, deadline_at__lt=self.now)

    @property
    def stale_q(self) -> Q:
        return Q(status__in=STALE_STATES, updated_at__lt=self.stale_before)

    def q(self, kind: LateKind = "any") -> Q:
        if kind == "overdue":
            return self.overdue_q
        if kind == "stale":
            return self.stale_q
        return self.overdue_q | self.stale_q


def lateness(*, now: datetime | None = None) -> Lateness:
    """Late hand-overs as of ``now`` (``Lateness``)."""
    now = now or timezone.now()
    return Lateness(now=now, stale_before=now - timedelta(days=conf.SHEET_STALE_DAYS))


def late_sheets(
    sheets: QuerySet[TsunaguSheet] | None = None,
    *,
    kind: LateKind = "any",
    now: datetime | None = None,
) -> QuerySet[TsunaguSheet]:
    """``sheets`` (e.g. an agency's ``policies.incoming_sheet_scope``) that are overdue, stale
    or either, by ``lateness``."""
    qs = TsunaguSheet.objects.all() if sheets is None else sheets
    return qs.filter(lateness(now=now).q(kind))


class OverdueBoard:
    """Overdue (sent, past the deadline) and stale (received, no change for a while) sheets,
    by deadline. The board shows agencies, urgency, dates and state only.

    A sequence for ``Paginator``. The two kinds are read as two index-ordered scans merged
    by the database (partial indexes ``sheet_overdue``/``sheet_stale_order``) and counted as two
    index-only counts: the one query with ``OR`` had to sort every late sheet for each page,
    1.1 s at p95 with 42,000 of them in the benchmark's data.
    """

    def __init__(self, *, now: Any = None) -> None:
        self.lateness = lateness(now=now)
        self.now = self.lateness.now
        self.stale_before = self.lateness.stale_before

    def _overdue(self) -> QuerySet[TsunaguSheet]:
        return late_sheets(kind="overdue", now=self.now)

    def _stale(self) -> QuerySet[TsunaguSheet]:
        return late_sheets(kind="stale", now=self.now)

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
    return policies.access_log_scope(user).select_related("user", "agency").order_by("-at", "-id")


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


def missing_resources_report() -> QuerySet[Any]:
    """Unmet needs counted by domain and district: what the city should develop."""
    return (
        UnmetNeed.objects.values("domain__name_ja", "district__name_ja")
        .annotate(count=Count("*"))
        .order_by("-count", "domain__name_ja", "district__name_ja")
    )


def incoming_counts_by_state(user: Any) -> list[dict[str, Any]]:
    """How many incoming sheets are in each state (one grouped query)."""
    if agency_of(user) is None:
        return []
    labels = dict(SheetStatus.choices)
    rows = (
        policies.incoming_sheet_scope(user)
        .values("status")
        .annotate(n=Count("*"))  # COUNT(*): an index-only scan
        .order_by("status")
    )
    order = list(SheetStatus.values)
    return sorted(
        ({"status": r["status"], "label": labels[r["status"]], "n": r["n"]} for r in rows),
        key=lambda r: order.index(r["status"]),
    )


# ---------------------------------------------------------------------------------------------
# What needs the agency now: the staff "today" page (``consultations/today.py``) counts these,
# and the lists it links to filter by the same functions, so a count and its list agree.


def agency_sheet_counts(user: Any, *, now: Any = None) -> dict[str, Any]:
    """The agency's sheets that need someone, counted in one query over ``sheet_scope``:

    * ``to_receive`` — received by this agency, 送付済み, not yet received or declined;
      ``next_deadline`` the earliest receipt deadline among them;
    * ``incoming_overdue`` / ``incoming_stale`` — incoming sheets late by ``lateness``;
    * ``outgoing_overdue`` / ``outgoing_stale`` — sheets this agency sent, late at the receiver.

    Counts only: nothing of a person is read, so nothing is written to the access log.
    """
    agency = agency_of(user)
    empty = {
        "to_receive": 0,
        "next_deadline": None,
        "incoming_overdue": 0,
        "incoming_stale": 0,
        "outgoing_overdue": 0,
        "outgoing_stale": 0,
    }
    if agency is None:
        return empty
    late = lateness(now=now)
    incoming = Q(receiver=agency)
    outgoing = Q(sender=agency)
    sent = Q(status=SheetStatus.SENT)
    row = (
        policies.sheet_scope(user)
        # Only the states these counts read: the agency's finished sheets are most of its rows.
        .filter(status__in=(SheetStatus.SENT, *STALE_STATES))
        .aggregate(
            to_receive=Count("pk", filter=incoming & sent),
            next_deadline=Min("deadline_at", filter=incoming & sent),
            incoming_overdue=Count("pk", filter=incoming & late.overdue_q),
            incoming_stale=Count("pk", filter=incoming & late.stale_q),
            outgoing_overdue=Count("pk", filter=outgoing & late.overdue_q),
            outgoing_stale=Count("pk", filter=outgoing & late.stale_q),
        )
    )
    return {**empty, **row}


def oversight_late_counts(user: Any, *, now: Any = None) -> dict[str, int]:
    """The overdue board's two kinds, counted in one query (``cases.oversee``)."""
    late = lateness(now=now)
    return policies.oversight_sheet_scope(user).aggregate(
        overdue=Count("pk", filter=late.overdue_q),
        stale=Count("pk", filter=late.stale_q),
    )


def outreach_due(user: Any, *, today: Any = None) -> QuerySet[OutreachCase]:
    """The organization's outreach cases still being watched whose next contact is due
    (on or before today)."""
    today = today or timezone.localdate()
    return policies.outreach_scope(user).filter(
        status=OutreachCase.Status.ACTIVE, next_contact_on__lte=today
    )


def conference_tasks_due(user: Any, *, today: Any = None) -> QuerySet[ConferenceTask]:
    """This agency's tasks, in conferences it takes part in, due on or before today and not
    done."""
    agency = agency_of(user)
    if agency is None:
        return ConferenceTask.objects.none()
    today = today or timezone.localdate()
    return ConferenceTask.objects.filter(
        organization=agency,
        done=False,
        due_on__lte=today,
        conference__in=policies.conference_scope(user).values("pk"),
    )
