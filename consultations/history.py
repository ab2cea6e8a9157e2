"""A consultation's history as the case pages show it (decision 0022): intake, each edit
after intake with what changed (field, old → new; household members added, changed,
removed), closing, and each recording of consent as its own event.

The rows come from two places — the field history kept by django-simple-history
(``Consultation.history``, ``HouseholdMember.history``) and the consent machine's
``ConsentEvent`` — merged newest first in one database query, so a page of history costs the
same few queries however long the history is. Reading it is the caller's to log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from directory.models import District

from .models import ConsentEvent, Consultation, HouseholdMember, Trouble
from .services.consultations import (
    EDITABLE_FIELDS,
    REASON_BASELINE,
    REASON_CLOSE,
    REASON_EDIT,
)

PAGE_SIZE = 20
EMPTY = "—"


@dataclass
class Change:
    label: Any
    old: str
    new: str


@dataclass
class HouseholdChange:
    action: str  # "added", "changed", "removed"
    label: str  # the member as they are now (or were, when removed)
    changes: list[Change] = field(default_factory=list)


@dataclass
class Entry:
    kind: str  # "intake", "edit", "close", "consent"
    at: datetime
    by: Any
    changes: list[Change] = field(default_factory=list)
    household: list[HouseholdChange] = field(default_factory=list)
    consent: ConsentEvent | None = None


def _records(consultation: Consultation) -> Any:
    """The rows the history lists: intake, edits, closing. Rows written by other saves (a
    baseline, the demo's bulk work) are not listed; they still serve as the "before" of the
    edit after them."""
    listed = Q(history_type="+") | Q(history_change_reason__in=[REASON_EDIT, REASON_CLOSE])
    return Consultation.history.filter(listed, id=consultation.pk).exclude(  # type: ignore[attr-defined]
        history_change_reason=REASON_BASELINE
    )


def history_page(consultation: Consultation, number: Any = 1, *, per_page: int = PAGE_SIZE) -> Page:
    """One page of the history, newest first. ``page.object_list`` holds ``Entry`` rows."""
    records = _records(consultation).annotate(
        source=Value("record", output_field=CharField()),
        key=F("history_id"),
        at=F("history_date"),
    )
    consents = ConsentEvent.objects.filter(consultation=consultation).annotate(
        source=Value("consent", output_field=CharField()), key=F("id")
    )
    merged = (
        records.order_by()
        .values_list("source", "key", "at")
        .union(consents.order_by().values_list("source", "key", "at"), all=True)
        .order_by("-at", "source", "-key")
    )
    page = Paginator(merged, per_page).get_page(number)
    page.object_list = entries(consultation, list(page.object_list))
    return page


def latest(consultation: Consultation, count: int = 5) -> tuple[list[Entry], bool]:
    """The newest ``count`` entries, and whether there are more (the case page's section)."""
    page = history_page(consultation, 1, per_page=count)
    return list(page.object_list), page.has_next()


def entries(consultation: Consultation, keys: list[tuple[str, int, datetime]]) -> list[Entry]:
    record_ids = [key for source, key, _at in keys if source == "record"]
    consent_ids = [key for source, key, _at in keys if source == "consent"]
    HC = Consultation.history.model  # type: ignore[attr-defined]
    before_me = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    records = {
        r.history_id: r
        for r in HC.objects.filter(history_id__in=record_ids)
        .select_related("history_user")
        .annotate(
            previous_id=Subquery(
                HC.objects.filter(before_me, id=OuterRef("id"))
                .order_by("-history_date", "-history_id")
                .values("history_id")[:1]
            )
        )
    }
    previous = {
        r.history_id: r
        for r in HC.objects.filter(
            history_id__in=[r.previous_id for r in records.values() if r.previous_id]
        )
    }
    edit_dates = [
        r.history_date for r in records.values() if r.history_change_reason == REASON_EDIT
    ]
    household = _household_changes(consultation, edit_dates)
    district_ids = {r.district_id for r in [*records.values(), *previous.values()] if r.district_id}
    districts = District.objects.in_bulk(district_ids) if district_ids else {}
    consents: dict[int, ConsentEvent] = {}
    if consent_ids:
        consents = {
            e.pk: e
            for e in ConsentEvent.objects.filter(pk__in=consent_ids)
            .select_related("by")
            .prefetch_related("domains", "agencies")
        }

    result: list[Entry] = []
    for source, key, _at in keys:
        if source == "consent":
            event = consents[key]
            result.append(Entry("consent", event.at, event.by, consent=event))
            continue
        record = records[key]
        reason = record.history_change_reason
        if record.history_type == "+" or reason == "intake":
            kind = "intake"
        elif reason == REASON_CLOSE:
            kind = "close"
        else:
            kind = "edit"
        entry = Entry(kind, record.history_date, record.history_user)
        if kind == "edit":
            before = previous.get(record.previous_id)
            if before is not None:
                delta = record.diff_against(before, included_fields=EDITABLE_FIELDS)
                entry.changes = [
                    Change(
                        _label(Consultation, c.field),
                        _display(c.field, c.old, districts),
                        _display(c.field, c.new, districts),
                    )
                    for c in sorted(delta.changes, key=lambda c: EDITABLE_FIELDS.index(c.field))
                ]
            entry.household = household.get(record.history_date, [])
        result.append(entry)
    return result


def _household_changes(
    consultation: Consultation, dates: list[datetime]
) -> dict[datetime, list[HouseholdChange]]:
    """The household rows each edit wrote (they share its time), each with the member as the
    previous row of that member had them."""
    if not dates:
        return {}
    HM = HouseholdMember.history.model  # type: ignore[attr-defined]
    previous = HM.objects.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    rows = (
        HM.objects.filter(consultation_id=consultation.pk, history_date__in=dates)
        .annotate(
            old_relation=Subquery(previous.values("relation")[:1]),
            old_age=Subquery(previous.values("age")[:1]),
            old_notes=Subquery(previous.values("notes")[:1]),
        )
        .order_by("history_date", "history_id")
    )
    grouped: dict[datetime, list[HouseholdChange]] = {}
    for row in rows:
        label = _member(row.relation, row.age)
        if row.history_type == "+":
            item = HouseholdChange("added", label)
            if row.notes:
                item.changes = [Change(_("メモ"), EMPTY, row.notes)]
        elif row.history_type == "-":
            item = HouseholdChange("removed", label)
        else:
            item = HouseholdChange("changed", label)
            for name, old, new in (
                ("relation", row.old_relation, row.relation),
                ("age", row.old_age, row.age),
                ("notes", row.old_notes, row.notes),
            ):
                if old != new:
                    item.changes.append(
                        Change(
                            _label(HouseholdMember, name),
                            _plain(old),
                            _plain(new),
                        )
                    )
        grouped.setdefault(row.history_date, []).append(item)
    return grouped


def _label(model: Any, name: str) -> Any:
    return {f.name: f.verbose_name for f in model._meta.concrete_fields}[name]


def _member(relation: str, age: int | None) -> str:
    if age is None:
        return relation
    return gettext("%(relation)s（%(age)s歳）") % {"relation": relation, "age": age}


def _plain(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _display(name: str, value: Any, districts: dict[int, District]) -> str:
    """A kept value as the case page shows it: choice labels, district names, dates."""
    if value is None or value == "" or value == []:
        return EMPTY
    if name == "district":
        district = districts.get(value)
        return district.name if district else EMPTY
    if name == "troubles":
        labels = dict(Trouble.choices)
        return pgettext("list separator", "、").join(str(labels.get(t, t)) for t in value)
    model_field = Consultation._meta.get_field(name)
    choices = dict(model_field.choices or ())  # type: ignore[union-attr]
    if choices:
        return str(choices.get(value, value))
    return _plain(value)
