"""Reads scoped to the reader's agency. Anything outside the scope does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import Any, Literal

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Resource
from directory.search import search_filter
from machida_portal.paging import count_arms, tally
from machida_portal.statements import Compiled, CompiledPages, id_places, rows_for_ids

from . import conf, policies
from .deadlines import business_days_before, business_days_between
from .models import (
    TROUBLE_DOMAINS,
    AccessLog,
    ConferenceTask,
    Consultation,
    OutreachCase,
    SheetStatus,
    TsunaguSheet,
    UnmetNeed,
    Urgency,
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
    """The one definition of a late hand-over, as of ``now``:

    * **last movement** — the sheet's last ``SheetTransition``. ``sheet_transition`` writes its
      time to ``TsunaguSheet.updated_at`` in the same transaction as the transition row, and
      nothing else writes that column, so the board reads (and indexes) the column instead of
      the history table;
    * **overdue** — 送付済み and the receipt deadline (``deadline_at``) has passed;
    * **stale** — received, first contact or supporting, and no movement for
      ``conf.SHEET_STALE_DAYS`` business days (``deadlines``: weekends, holidays, 12/29–1/3);
    * **days late** / **days without movement** — business days after the deadline day /
      the last movement's day, up to and including today.

    The overdue board, its summary and the staff "today" page all count through this.
    """

    now: datetime
    today: date
    stale_before: datetime
    # The current time zone, looked up once: the board turns up to 100 moments into days.
    tz: tzinfo = field(default_factory=timezone.get_current_timezone)

    def local_day(self, moment: datetime) -> date:
        """``timezone.localdate(moment)`` in the time zone of this reckoning."""
        return moment.astimezone(self.tz).date()

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

    def days_late_of(self, status: str, deadline_at: datetime | None) -> int | None:
        if status != SheetStatus.SENT or deadline_at is None:
            return None
        return business_days_between(self.local_day(deadline_at), self.today)

    def days_without_movement_of(self, last_movement: datetime) -> int:
        return business_days_between(self.local_day(last_movement), self.today)

    def days_late(self, sheet: TsunaguSheet) -> int | None:
        return self.days_late_of(sheet.status, sheet.deadline_at)

    def days_without_movement(self, sheet: TsunaguSheet) -> int:
        return self.days_without_movement_of(sheet.updated_at)


def lateness(*, now: datetime | None = None) -> Lateness:
    """Late hand-overs as of ``now`` (``Lateness``). A sheet is stale when its last movement
    is before the ``SHEET_STALE_DAYS``-th business day counting back from today (today
    included), i.e. when ``days_without_movement`` is at least ``SHEET_STALE_DAYS``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    nth_business_day_back = business_days_before(today + timedelta(days=1), conf.SHEET_STALE_DAYS)
    return Lateness(
        now=now,
        today=today,
        stale_before=timezone.make_aware(datetime.combine(nth_business_day_back, time.min)),
    )


def late_sheets(
    sheets: QuerySet[TsunaguSheet] | None = None,
    *,
    kind: LateKind = "any",
    now: datetime | None = None,
) -> QuerySet[TsunaguSheet]:
    """``sheets`` (e.g. an agency's ``policies.incoming_sheet_scope``) that are overdue, stale
    or either, by ``lateness``. Counting them is one ``COUNT``."""
    qs = TsunaguSheet.objects.all() if sheets is None else sheets
    return qs.filter(lateness(now=now).q(kind))


@dataclass(frozen=True)
class BoardSort:
    label: Any
    keys: tuple[str, ...]
    descending: bool = False


# ``?sort=`` on the board: only these. Every order ends with the id, so pages never overlap.
BOARD_SORTS: dict[str, BoardSort] = {
    "deadline": BoardSort(_("期限を過ぎた日数が多い順"), ("deadline_at", "id")),
    "movement": BoardSort(_("動きのない日数が多い順"), ("updated_at", "id")),
    "receiver": BoardSort(_("受ける機関の順"), ("receiver__name", "deadline_at", "id")),
    "sender": BoardSort(_("送る機関の順"), ("sender__name", "deadline_at", "id")),
    "sent": BoardSort(_("送付日が古い順"), ("sent_at", "id")),
    "-sent": BoardSort(_("送付日が新しい順"), ("sent_at", "id"), descending=True),
}
BOARD_DEFAULT_SORT = "deadline"


def _late(kind: LateKind, moment: datetime) -> QuerySet[TsunaguSheet]:
    """Overdue sheets as of ``moment`` (now), or stale ones (``moment``: the stale-before
    time), by ``Lateness`` — the one definition, built here with the board's stand-ins."""
    reckoning = Lateness(now=moment, today=date.min, stale_before=moment)
    return TsunaguSheet.objects.filter(reckoning.q(kind))


def _late_count_arm(kind: LateKind, *, moment: datetime, limit: int) -> QuerySet[Any]:
    return _late(kind, moment).order_by().values("pk")[:limit]


def _late_page_arm(kind: LateKind, *, moment: datetime, sort: str, top: int) -> QuerySet[Any]:
    # Each arm needs only its first offset + limit rows in the chosen order: with an index in
    # that order the database reads just those (an ordered scan and a limit), without one a
    # bounded top-N sort; never every late sheet sorted for each page.
    order = BOARD_SORTS[sort]
    keys = {f"sort{i}": F(key) for i, key in enumerate(order.keys)}
    inner = [f"-{k}" if order.descending else k for k in keys]
    return _late(kind, moment).annotate(**keys).order_by(*inner).values("id", *keys)[:top]


BOARD_ROW_VALUES = (
    "id",
    "status",
    "urgency",
    "sent_at",
    "deadline_at",
    "updated_at",
    "sender__name",
    "receiver__name",
)
# A page's ids, plus the one more a work list reads past its count cap to know whether a next
# page exists (``WorkListPaginator``): one statement for any page.
_ROW_SLOTS = id_places(conf.PAGE_SIZE + 1)


def _board_rows(**ids: int) -> QuerySet[Any]:
    return (
        TsunaguSheet.objects.filter(pk__in=list(ids.values()))
        .order_by()
        .values_list(*BOARD_ROW_VALUES)
    )


# The board's reads, compiled once per process (decision 0031): only "now" and the
# stale-before time change between requests; the limits, the order and the page's bounds are
# keys, and a page's ids fill a fixed number of places (unused ones hold 0, which no sheet is).
_LATE_COUNT: dict[str, Compiled[Any]] = {
    kind: Compiled(partial(_late_count_arm, kind), moments=("moment",), keyed=("limit",))
    for kind in ("overdue", "stale")
}
_LATE_PAGE: dict[str, Compiled[Any]] = {
    kind: Compiled(
        partial(_late_page_arm, kind), moments=("moment",), keyed=("sort", "top"), maxsize=32
    )
    for kind in ("overdue", "stale")
}
_BOARD_ROWS: Compiled[tuple[Any, ...]] = Compiled(_board_rows, *_ROW_SLOTS)


class OverdueBoard:
    """Overdue and stale sheets (``lateness``), in one of ``BOARD_SORTS``. The board shows
    agencies, urgency, dates, state and business-day counts only.

    A sequence for ``Paginator``. The two kinds are read as two ordered scans merged by the
    database and counted as two index-only counts: the one query with ``OR`` had to sort every
    late sheet for each page, 1.1 s at p95 with 42,000 of them in the benchmark's data. In the
    default order (deadline) both scans are served by partial indexes
    (``sheet_overdue``/``sheet_stale_order``, decision 0504).
    """

    def __init__(self, *, now: datetime | None = None, sort: str = BOARD_DEFAULT_SORT) -> None:
        self.lateness = lateness(now=now)
        self.sort = sort if sort in BOARD_SORTS else BOARD_DEFAULT_SORT
        self.now = self.lateness.now
        self.stale_before = self.lateness.stale_before

    def count(self, limit: int | None = None) -> int:
        """How many late sheets there are; with ``limit``, reading at most that many (the
        work lists' capped count, ``machida_portal.paging``)."""
        if limit is None:
            return _late("overdue", self.now).count() + _late("stale", self.stale_before).count()
        counted = 0
        for kind, moment in (("overdue", self.now), ("stale", self.stale_before)):
            if counted >= limit:
                break  # the stale sheets are not read when the overdue ones fill the count
            # Each arm reads up to the whole limit: one compiled form per limit, not one for
            # every remainder.
            arm = _LATE_COUNT[kind].sql_params(moment=moment, limit=limit)
            counted += count_arms(DEFAULT_DB_ALIAS, [arm])[0]
        return min(counted, limit)

    def __len__(self) -> int:
        return self.count()

    def _page_ids(self, offset: int, limit: int) -> list[int]:
        if limit <= 0:  # an empty board's one page: the ORM cannot compile a [:0] arm
            return []
        sort = BOARD_SORTS[self.sort]
        direction = "DESC" if sort.descending else "ASC"
        parts: list[str] = []
        params: list[Any] = []
        for kind, moment in (("overdue", self.now), ("stale", self.stale_before)):
            top = offset + limit
            compiled = _LATE_PAGE[kind].sql_params(moment=moment, sort=self.sort, top=top)
            if compiled is None:
                continue
            sql, part_params = compiled
            # Only the ORM's own SQL is composed here; every value stays a parameter.
            parts.append(f"SELECT * FROM ({sql}) part{len(parts)}")  # noqa: S608  # nosec B608
            params.extend(part_params)
        if not parts:
            return []
        # The names are this module's own (sort0, sort1 …), never the request's.
        order = ", ".join(f"sort{i} {direction}" for i in range(len(sort.keys)))
        query = (
            f"SELECT id FROM ({' UNION ALL '.join(parts)}) late "  # noqa: S608  # nosec B608
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def __getitem__(self, index: slice, /) -> list[BoardRow]:
        start = index.start or 0
        stop = index.stop if index.stop is not None else start + conf.PAGE_SIZE
        ids = self._page_ids(start, max(stop - start, 0))
        found = {row[0]: row for row in rows_for_ids(_BOARD_ROWS, ids)}
        statuses = {value: str(label) for value, label in SheetStatus.choices}
        urgencies = {value: str(label) for value, label in Urgency.choices}
        day = self.lateness.local_day
        page = []
        for pk in ids:
            if pk not in found:
                continue
            _, status, urgency, sent_at, deadline_at, updated_at, sender, receiver = found[pk]
            page.append(
                BoardRow(
                    pk=pk,
                    status=status,
                    status_label=statuses.get(status, status),
                    urgency_label=urgencies.get(urgency, urgency),
                    sender=sender,
                    receiver=receiver,
                    sent_at=sent_at,
                    deadline_at=deadline_at,
                    updated_at=updated_at,
                    sent_on=day(sent_at).isoformat() if sent_at else "",
                    deadline_on=day(deadline_at).isoformat() if deadline_at else "",
                    moved_on=day(updated_at).isoformat(),
                    days_late=self.lateness.days_late_of(status, deadline_at),
                    days_still=self.lateness.days_without_movement_of(updated_at),
                )
            )
        return page


@dataclass(frozen=True)
class BoardRow:
    """One line of the board, every cell ready: the template only prints (25 rows of model
    instances, choice labels and date filters cost more than the page's queries)."""

    pk: int
    status: str
    status_label: str
    urgency_label: str
    sender: str
    receiver: str
    sent_at: datetime | None
    deadline_at: datetime | None
    updated_at: datetime
    # The three moments as local days (YYYY-MM-DD; empty when there is none).
    sent_on: str
    deadline_on: str
    moved_on: str
    days_late: int | None
    days_still: int


def overdue_board(*, now: datetime | None = None, sort: str = BOARD_DEFAULT_SORT) -> OverdueBoard:
    return OverdueBoard(now=now, sort=sort)


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
    """How many incoming sheets are in each state, each counted up to
    ``conf.STATE_COUNT_CAP`` (``machida_portal.paging``: an agency's finished sheets grow
    without end), in one statement. ``n`` is a ``Tally``; states without a sheet are left
    out."""
    agency = agency_of(user)
    if agency is None:
        return []
    labels = dict(SheetStatus.choices)
    states = [s for s in SheetStatus.values if s != SheetStatus.DRAFT]
    cap = conf.STATE_COUNT_CAP
    arms = [
        _INCOMING_IN_STATE.sql_params(agency=agency.pk, status=state, limit=cap + 1)
        for state in states
    ]
    found = count_arms(DEFAULT_DB_ALIAS, arms)
    tallies = {state: tally(n, cap) for state, n in zip(states, found, strict=True)}
    return [{"status": s, "label": labels[s], "n": tallies[s]} for s in states if tallies[s]]


def _incoming_in_state(*, agency: int, status: str, limit: int) -> QuerySet[Any]:
    arm = policies.agency_incoming_sheets(agency).filter(status=status)
    return arm.order_by().values("pk")[:limit]


# What a sheet's row in the inbox shows (and the access log needs): a row is not the whole
# sheet and both organizations' every column.
SHEET_ROW_FIELDS = (
    "id",
    "status",
    "urgency",
    "deadline_at",
    "created_at",
    "sender_id",
    "receiver_id",
    "sender__name",
    "receiver__name",
)


# What the inbox as it opens reads (the incoming tab, no filter), compiled once per process
# with the agency's id as a parameter (decision 0031). A filtered inbox uses the ORM as built.
def _incoming_page(*, agency: int, start: int, stop: int) -> QuerySet[TsunaguSheet]:
    sheets = _filtered(policies.agency_incoming_sheets(agency), status="", urgency="", query="")
    return sheets.only(*SHEET_ROW_FIELDS)[start:stop]


_INCOMING_IN_STATE: Compiled[Any] = Compiled(
    _incoming_in_state, "agency", keyed=("status", "limit"), maxsize=16
)
_INCOMING_PAGE: Compiled[TsunaguSheet] = Compiled(
    _incoming_page, "agency", keyed=("start", "stop"), maxsize=16
)


def incoming_list(user: Any, *, status: str, urgency: str, query: str, late: str) -> Any:
    """The incoming tab's sheets, with ``SHEET_ROW_FIELDS``, for ``WorkListPaginator``: as it
    opens (no filter) read with compiled SQL (count it with ``incoming_counts_by_state``),
    otherwise the ORM's queryset."""
    agency = agency_of(user)
    if agency is not None and not (status or urgency or query or late):
        return CompiledPages(_INCOMING_PAGE, agency=agency.pk)
    return incoming_sheets(user, status=status, urgency=urgency, query=query, late=late).only(
        *SHEET_ROW_FIELDS
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
