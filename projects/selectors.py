"""Reads for ideas and projects, scoped to who asks, and the indicator definitions.

Indicator definitions (the indicators app calls these through ``projects/kpis.py``):

- **Project carried out in fiscal year N** (II-2): a project that is not a draft in
  planning, i.e. its status is 活動中, 完了 or 休止中, and whose period overlaps the fiscal
  year (start date on or before 31 March N+1 and end date, if any, on or after 1 April N);
  a project with an activity log entry dated in fiscal year N also counts, whatever its
  dates say.
- **Participant in fiscal year N** (II-1): a distinct person who is a member (any role:
  運営, メンバー, サポーター) of a project carried out in fiscal year N and who joined on or
  before its last day; plus, for past projects imported from paper records (no member rows),
  their recorded participant counts.
- **Ideas received in fiscal year N**: ideas whose receipt date (Tokyo time) falls in it,
  merged duplicates included (each was a submission), drafts not (a draft's receipt date
  is set when it is sent).
- **Median days to first response**: over the ideas received in fiscal year N that have had
  a first response (a status change or a reply by a coordinator), the median of the days
  between receipt and that response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from directory.fiscal import fiscal_year_bounds, fiscal_year_datetimes
from directory.models import District
from directory.search import bigrams, search_filter
from machida_portal.paging import Tally, count_arms, counts_together, tally
from machida_portal.statements import Compiled, CompiledPages, id_places, rows_for_ids

from . import conf
from .models import (
    Availability,
    HelpType,
    Idea,
    IdeaReaction,
    Offer,
    OfferType,
    Project,
    ProjectMember,
    unpack_codes,
)
from .policies import coordinated_ideas, idea_scope, may_coordinate_ideas


@dataclass
class IdeaFilters:
    q: str = ""
    district: int | None = None
    city_wide: bool = False
    theme: int | None = None
    kind: str = ""
    status: str = ""
    older_than_days: int | None = None
    assigned: str = ""  # "", "me", "none"
    overdue: bool = False
    unanswered: bool = False


def _apply_filters(qs: QuerySet[Idea], f: IdeaFilters, user: Any = None) -> QuerySet[Idea]:
    if f.q:
        qs = search_filter(qs, f.q)
    if f.city_wide:
        qs = qs.filter(district__isnull=True)
    elif f.district:
        qs = qs.filter(district_id=f.district)
    if f.theme:
        qs = qs.filter(themes__id=f.theme)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.older_than_days:
        qs = qs.filter(created_at__lt=timezone.now() - timedelta(days=f.older_than_days))
    if f.assigned == "me" and user is not None:
        qs = qs.filter(assigned_to=user)
    elif f.assigned == "none":
        qs = qs.filter(assigned_to__isnull=True)
    if f.overdue:
        qs = qs.filter(pk__in=overdue_ideas().values("pk"))
    if f.unanswered:
        qs = qs.filter(unanswered_q())
    return qs


def idea_visible_to(*, user: Any, idea: Idea) -> bool:
    """Whether ``user`` may see ``idea`` as it stands, by the one rule of
    ``policies.idea_scope``; ``None`` is a resident without an account (told by email),
    who may see what any visitor may."""
    who = user if user is not None else AnonymousUser()
    return idea_scope(who).filter(pk=idea.pk).exists()


def board_ideas(filters: IdeaFilters) -> QuerySet[Idea]:
    """The public board: published ideas, newest first, with their reaction counts."""
    qs = _apply_filters(Idea.objects.public(), filters)
    # Reaction counts are added per page (``with_reaction_counts``): aggregating over the
    # whole board before paginating cost ~200 ms at 20,000 ideas.
    return qs.select_related("district").prefetch_related("themes").order_by("-created_at", "-id")


def with_reaction_counts(ideas: list[Idea]) -> list[Idea]:
    """Set ``join_count`` and ``support_count`` on each idea of a page, in one query."""
    counts: dict[tuple[int, str], int] = {}
    rows = (
        IdeaReaction.objects.filter(idea__in=[i.pk for i in ideas])
        .values("idea_id", "kind")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in rows:
        counts[(row["idea_id"], row["kind"])] = row["n"]
    for idea in ideas:
        idea.join_count = counts.get((idea.pk, IdeaReaction.Kind.JOIN), 0)  # type: ignore[attr-defined]
        idea.support_count = counts.get((idea.pk, IdeaReaction.Kind.SUPPORT), 0)  # type: ignore[attr-defined]
    return ideas


def inbox_ideas(*, user: Any, filters: IdeaFilters) -> QuerySet[Idea]:
    return _inbox(idea_scope(user, "coordinate"), filters, user)


def _inbox(scope: QuerySet[Idea], filters: IdeaFilters, user: Any = None) -> QuerySet[Idea]:
    qs = _apply_filters(scope, filters, user)
    if not filters.status:
        # Drafts are the author's until sent; a coordinator asks for them explicitly.
        qs = qs.exclude(status=Idea.Status.DRAFT)
    return qs


# What a row of the inbox shows (``inbox_rows``): not each idea's description and search
# document, and no model instances for 25 rows of six cells.
INBOX_ROW_VALUES = (
    "id",
    "created_at",
    "title",
    "kind",
    "status",
    "district__name_ja",
    "district__name_en",
    "assigned_to__full_name",
    "assigned_to__display_name",
    "assigned_to__email",
)


@dataclass(frozen=True)
class InboxRow:
    """One line of the coordinator inbox, every cell ready (decision 0027)."""

    pk: int
    created_at: Any
    title: str
    kind: str
    status: str
    district: str  # in the current language; empty for the whole city
    assigned_to: str  # the coordinator's full name (as ``User.get_full_name``); empty if none
    themes: list[str]


def _unfiltered_rows(*, start: int, stop: int) -> QuerySet[Any]:
    return _inbox(coordinated_ideas(), IdeaFilters()).values(*INBOX_ROW_VALUES)[start:stop]


def _unfiltered_count(*, limit: int) -> QuerySet[Any]:
    return _inbox(coordinated_ideas(), IdeaFilters()).order_by().values("pk")[:limit]


def _overdue_count(*, since: datetime) -> QuerySet[Any]:
    return overdue_ideas(since).order_by().values("pk")


# The inbox as it opens — no filter, the page staff load most — read with SQL compiled once
# per process (decision 0031); a filtered inbox goes through the ORM as built.
_UNFILTERED_ROWS: Compiled[dict[str, Any]] = Compiled(
    _unfiltered_rows, keyed=("start", "stop"), maxsize=16
)
_UNFILTERED_COUNT: Compiled[Any] = Compiled(_unfiltered_count, keyed=("limit",))
_OVERDUE_COUNT: Compiled[Any] = Compiled(_overdue_count, moments=("since",))


def inbox_list(*, user: Any, filters: IdeaFilters, cap: int) -> tuple[Any, dict[str, Tally]]:
    """The coordinator inbox's list (rows of ``INBOX_ROW_VALUES``, for ``WorkListPaginator``)
    and, in one statement, its total up to ``cap`` and the ideas past the acknowledgement
    time (``overdue``, exact)."""
    if filters == IdeaFilters() and may_coordinate_ideas(user):
        arms = [
            _UNFILTERED_COUNT.sql_params(limit=cap + 1),
            _OVERDUE_COUNT.sql_params(since=overdue_since()),
        ]
        total, overdue = count_arms(DEFAULT_DB_ALIAS, arms)
        counted = {"ideas": tally(total, cap), "overdue": Tally(overdue)}
        return CompiledPages(_UNFILTERED_ROWS), counted
    ideas = inbox_ideas(user=user, filters=filters).values(*INBOX_ROW_VALUES)
    return ideas, counts_together({"ideas": (ideas, cap), "overdue": (overdue_ideas(), None)})


def _page_themes(**ids: int) -> QuerySet[Any]:
    return (
        Idea.themes.through.objects.filter(idea_id__in=list(ids.values()))
        .order_by("idea_id", "theme__order", "theme_id")
        .values_list("idea_id", "theme__name_ja", "theme__name_en")
    )


# Compiled once per process (decision 0031): a page's ideas fill a fixed number of places
# (unused ones hold 0, which no idea is).
_PAGE_THEMES: Compiled[tuple[int, str, str]] = Compiled(
    _page_themes, *id_places(conf.INBOX_PAGE_SIZE)
)


def inbox_rows(values: Any) -> list[InboxRow]:
    """The rows of a page of ``inbox_ideas(...).values(*INBOX_ROW_VALUES)``, with their
    themes' names in the current language (one query for the page)."""
    values = list(values)
    english = (get_language() or "ja").startswith("en")
    themes: dict[int, list[str]] = {}
    ids = [v["id"] for v in values]
    links = rows_for_ids(_PAGE_THEMES, ids)
    if links:
        for idea_id, name_ja, name_en in links:
            themes.setdefault(idea_id, []).append(name_en if english and name_en else name_ja)
    rows = []
    for v in values:
        district = v["district__name_ja"] or ""
        if english and v["district__name_en"]:
            district = v["district__name_en"]
        rows.append(
            InboxRow(
                pk=v["id"],
                created_at=v["created_at"],
                title=v["title"],
                kind=v["kind"],
                status=v["status"],
                district=district,
                assigned_to=v["assigned_to__full_name"]
                or v["assigned_to__display_name"]
                or v["assigned_to__email"]
                or "",
                themes=themes.get(v["id"], []),
            )
        )
    return rows


def my_ideas(*, user: Any) -> QuerySet[Idea]:
    return Idea.objects.filter(author=user).select_related("district", "merged_into")


def unanswered_q() -> Q:
    """An idea nobody has answered yet: received, and no first response (a status change or
    a reply by a coordinator). The coordinator inbox's definition."""
    return Q(status=Idea.Status.RECEIVED, first_response_at__isnull=True)


def overdue_since() -> Any:
    """Unanswered ideas received before this are past the acknowledgement time."""
    return timezone.now() - timedelta(days=conf.ack_days())


def overdue_ideas(since: datetime | None = None) -> QuerySet[Idea]:
    """New ideas nobody has answered within the acknowledgement time (received before
    ``since``, by default ``overdue_since()``)."""
    return Idea.objects.filter(
        unanswered_q(), created_at__lt=since if since is not None else overdue_since()
    )


def unanswered_counts(user: Any) -> dict[str, int]:
    """How many ideas the coordinator may take in are unanswered, and how many of those are
    past the acknowledgement time: one query, through ``idea_scope``."""
    return idea_scope(user, "coordinate").aggregate(
        unanswered=Count("pk", filter=unanswered_q()),
        overdue=Count("pk", filter=unanswered_q() & Q(created_at__lt=overdue_since())),
    )


SIMILAR_CANDIDATES = 3000


def similar_ideas(*, user: Any, text: str, limit: int = 5) -> list[Idea]:
    """Ideas that share the most character bigrams with ``text`` (a title being typed).

    Uses the same bigram documents as the search, but ranks by how many of the first bigrams
    are shared instead of requiring all of them, so a longer title still finds its cousins.
    Works the same on SQLite and PostgreSQL (``LIKE`` on the document), among the
    ``SIMILAR_CANDIDATES`` most recent ideas the user may see: bigrams such as した/たい
    (from したい) are in most titles, so no index narrows the candidates, and scoring all of
    20,000 ideas took 200-300 ms a keystroke. Recent ideas are the useful suggestions anyway.
    """
    grams = [g for g in bigrams(text) if len(g) == 2][:8]
    if not grams:
        return []
    score = sum(
        (Count("pk", filter=Q(search_document__contains=f" {g} ")) for g in grams[1:]),
        Count("pk", filter=Q(search_document__contains=f" {grams[0]} ")),
    )
    needed = 1 if len(grams) == 1 else 2
    recent = (
        idea_scope(user)
        .filter(merged_into__isnull=True)
        .order_by("-created_at")
        .values("pk")[:SIMILAR_CANDIDATES]
    )
    condition = Q()
    for g in grams:
        condition |= Q(search_document__contains=f" {g} ")
    qs = (
        Idea.objects.filter(condition, pk__in=Subquery(recent))
        .annotate(score=score)
        .filter(score__gte=needed)
        .order_by("-score", "-created_at")
        .only("pk", "title", "kind", "status")
    )
    return list(qs[:limit])


# --- indicators -----------------------------------------------------------------------


def projects_carried_out(fiscal_year: int, district: District | None = None) -> QuerySet[Project]:
    start, end = fiscal_year_bounds(fiscal_year)
    by_period = (
        Q(status__in=[Project.Status.ACTIVE, Project.Status.COMPLETED, Project.Status.PAUSED])
        & Q(start_date__isnull=False, start_date__lte=end)
        & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    )
    by_activity = Q(activities__date__gte=start, activities__date__lte=end)
    qs = Project.objects.filter(pk__in=Project.objects.filter(by_period | by_activity).values("pk"))
    if district is not None:
        qs = qs.filter(districts=district)
    return qs


def participants(fiscal_year: int, district: District | None = None) -> int:
    """II-1: distinct people in projects carried out in the year, plus imported counts."""
    carried = projects_carried_out(fiscal_year, district)
    _start, end = fiscal_year_bounds(fiscal_year)
    people = (
        ProjectMember.objects.filter(project__in=carried.values("pk"), joined_on__lte=end)
        .values("user_id")
        .distinct()
        .count()
    )
    imported = carried.filter(memberships__isnull=True).aggregate(n=Sum("imported_participants"))
    return people + int(imported["n"] or 0)


def ideas_received(fiscal_year: int, district: District | None = None) -> QuerySet[Idea]:
    start, end = fiscal_year_datetimes(fiscal_year)
    qs = Idea.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        status=Idea.Status.DRAFT
    )
    if district is not None:
        qs = qs.filter(district=district)
    return qs


def median_days_to_first_response(
    fiscal_year: int, district: District | None = None
) -> float | None:
    """The median, found by the database: count the answered ideas, then read the middle
    one(s) of the list ordered by response time."""
    answered = (
        ideas_received(fiscal_year, district)
        .filter(first_response_at__isnull=False)
        .annotate(wait=F("first_response_at") - F("created_at"))
        .order_by("wait")
    )
    n = answered.count()
    if n == 0:
        return None
    middle = list(answered.values_list("wait", flat=True)[(n - 1) // 2 : n // 2 + 1])
    days = [w.total_seconds() / 86400 for w in middle]
    return round(sum(days) / len(days), 1)


def ideas_open_for_session(*, user: Any) -> QuerySet[Idea]:
    """Ideas a coordinator may put on a future session's agenda (for the sessions app): not
    yet closed, merged, connected or turned into a project."""
    return (
        idea_scope(user)
        .filter(status__in=[Idea.Status.RECEIVED, Idea.Status.COORDINATING, Idea.Status.SESSION])
        .select_related("district")
        .order_by("-created_at", "-id")
    )


def trouble_ideas_to_hand_off() -> QuerySet[Idea]:
    """困りごと still open (received or being coordinated): what a coordinator may pass to a
    consultation agency (for the consultations app's hand-off list)."""
    return Idea.objects.filter(
        kind=Idea.Kind.TROUBLE,
        status__in=[Idea.Status.RECEIVED, Idea.Status.COORDINATING],
    )


def newest_public_for_district(district: District, limit: int = 10) -> dict[str, list[Any]]:
    """A district's newest public ideas and public projects (for the sessions app's meeting
    pack, which anyone may read)."""
    return {
        "ideas": list(
            Idea.objects.public().filter(district=district).order_by("-created_at")[:limit]
        ),
        "projects": list(
            Project.objects.filter(is_public=True, districts=district).order_by("-created_at")[
                :limit
            ]
        ),
    }


# --- what an author's or owner's edit changed (coordinators only; decision 0022) -----------


@dataclass
class IdeaChange:
    label: Any
    old: str
    new: str


@dataclass
class Edit:
    at: Any
    by: Any
    changes: list[IdeaChange]


IDEA_EDIT_FIELDS = (
    "title",
    "description",
    "district",
    "help_types",
    "contact_method",
    "contact_detail",
    "is_public",
)
OFFER_EDIT_FIELDS = ("title", "description", "offer_types", "skills", "availability", "contact")
EDITS_SHOWN = 20


def _edits(model: Any, pk: int, fields: tuple[str, ...]) -> list[Edit]:
    """The latest ``EDITS_SHOWN`` edits of one row, newest first, each read against the
    history row before it (``diff_against``). A few queries, however many edits."""
    H = model.history.model
    before_me = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    edits = list(
        H.objects.filter(id=pk, history_change_reason="edit")
        .select_related("history_user")
        .annotate(
            previous_id=Subquery(
                H.objects.filter(before_me, id=OuterRef("id"))
                .order_by("-history_date", "-history_id")
                .values("history_id")[:1]
            )
        )
        .order_by("-history_date", "-history_id")[:EDITS_SHOWN]
    )
    if not edits:
        return []
    previous = H.objects.in_bulk([e.previous_id for e in edits if e.previous_id])
    district_ids = {getattr(r, "district_id", None) for r in [*edits, *previous.values()]} - {None}
    districts = District.objects.in_bulk(district_ids) if district_ids else {}
    labels = {f.name: f.verbose_name for f in model._meta.concrete_fields}
    result = []
    for edit in edits:
        old = previous.get(edit.previous_id)
        changes: list[IdeaChange] = []
        if old is not None:
            delta = edit.diff_against(old, included_fields=fields)
            changes = [
                IdeaChange(
                    labels[c.field],
                    _edit_value(c.field, c.old, districts),
                    _edit_value(c.field, c.new, districts),
                )
                for c in sorted(delta.changes, key=lambda c: fields.index(c.field))
            ]
        result.append(Edit(edit.history_date, edit.history_user, changes))
    return result


def idea_edit_changes(idea: Idea) -> dict[Any, list[IdeaChange]]:
    """For the idea's latest edits by its author: the time of each (its timeline row has the
    same one) → what changed, old → new. Only for people who may read internal notes
    (coordinators): other readers never get old versions."""
    return {e.at: e.changes for e in _edits(Idea, idea.pk, IDEA_EDIT_FIELDS)}


def offer_edits(offer: Offer) -> list[Edit]:
    """The owner's latest edits of an offer, with what changed (for coordinators)."""
    return _edits(Offer, offer.pk, OFFER_EDIT_FIELDS)


def _edit_value(name: str, value: Any, districts: dict[int, District]) -> str:
    if name == "is_public":
        return str(_("公開") if value else _("非公開"))
    if value is None or value == "" or value == []:
        return "—" if name != "district" else str(_("市全域"))
    if name == "district":
        district = districts.get(value)
        return district.name if district else "—"
    if name == "help_types":
        labels = dict(HelpType.choices)
        return "、".join(str(labels.get(h, h)) for h in value)
    if name in ("offer_types", "availability"):
        choices = dict(OfferType.choices if name == "offer_types" else Availability.choices)
        return "、".join(str(choices.get(c, c)) for c in sorted(unpack_codes(value))) or "—"
    if name == "contact_method":
        return str(dict(Idea.Contact.choices).get(value, value))
    return str(value)
