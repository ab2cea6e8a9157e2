"""Consultations: intake, edits after intake, consent, closing, anonymising after retention."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import require
from directory.models import Domain, Organization
from directory.search import search_document
from machida_portal.history import stamp

from .. import conf
from ..models import (
    PERSON_FIELDS,
    AccessLog,
    Consultation,
    HouseholdMember,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
)
from ..policies import (
    CONSENT_STATES,
    CONSULTATION_STATES,
    consent_event_kind,
    consent_event_write,
    consultation_can,
)
from .access_log import access_log_write
from .common import _check_date_entered
from .sheets import sheet_deadline_reminders_follow_basis, sheet_search_document


def _consultation_search_document(c: Consultation) -> str:
    return search_document(c.person_name, c.person_kana, c.narrative)


@dataclass
class HouseholdRow:
    relation: str
    age: int | None = None
    notes: str = ""
    # On an edit: the household member this row is (None: a new member).
    member_id: int | None = None


# The consultation's own history (``Consultation.history``): why each row was written.
# ``baseline`` rows hold a record as it was before its first edit, for a record made before
# history was kept (or by the demo's bulk inserts); the history page does not list them.
REASON_INTAKE = "intake"
REASON_EDIT = "edit"
REASON_CLOSE = "close"
REASON_BASELINE = "baseline"

# What an edit after intake may change (``models.PERSON_FIELDS``).
EDITABLE_FIELDS = PERSON_FIELDS


def _editable_values(c: Consultation) -> dict[str, Any]:
    # By column (``district_id``): comparing never loads a related row.
    fields = {f.name: f.attname for f in Consultation._meta.concrete_fields}
    return {name: getattr(c, fields[name]) for name in EDITABLE_FIELDS}


def _consent_scope(c: Consultation, domains: Any, agencies: Any) -> tuple[Any, ...]:
    return (
        set(c.consent_fields or []),
        {d.pk for d in domains},
        {a.pk for a in agencies},
        c.consent_expires_on,
    )


def consultation_create(
    *,
    agency: Organization,
    by: Any,
    data: dict[str, Any],
    consent_domains: list[Domain] | None = None,
    consent_agencies: list[Organization] | None = None,
    household: list[HouseholdRow] | None = None,
) -> Consultation:
    consultation = Consultation(agency=agency, created_by=by, **data)
    if consultation.consent_status == Consultation.ConsentStatus.GIVEN:
        _check_date_entered(
            consultation.consent_expires_on,
            kind="consent_expiry",
            field="consent_expires_on",
            label=_("同意の有効期限"),
        )
        consultation.consent_taken_by = consultation.consent_taken_by or by
        consultation.consent_taken_at = consultation.consent_taken_at or timezone.now()
    consultation.search_document = _consultation_search_document(consultation)
    consultation.full_clean()
    now = timezone.now()
    with transaction.atomic():
        stamp(consultation, by=by, at=now, reason=REASON_INTAKE)
        consultation.save()
        consultation.consent_domains.set(consent_domains or [])
        consultation.consent_agencies.set(consent_agencies or [])
        for row in household or []:
            member = HouseholdMember(
                consultation=consultation, relation=row.relation, age=row.age, notes=row.notes
            )
            member.full_clean()
            stamp(member, by=by, at=now, reason=REASON_INTAKE)
            member.save()
        if consultation.consent_status != Consultation.ConsentStatus.PENDING:
            consent_event_write(
                consultation,
                Consultation.ConsentStatus.PENDING,
                consultation.consent_status,
                by=by,
                kind=consent_event_kind(
                    before_status=Consultation.ConsentStatus.PENDING,
                    after_status=consultation.consent_status,
                    before=(set(), set(), set(), None),
                    after=_consent_scope(
                        consultation, consent_domains or [], consent_agencies or []
                    ),
                ),
                domains=consent_domains or [],
                agencies=consent_agencies or [],
                at=now,
            )
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=agency,
            action=AccessLog.Action.CREATE,
            obj=consultation,
        )
    return consultation


def _history_baseline(consultation: Consultation) -> None:
    """Keep the record as it is now, before its first edit, when it has no history yet (made
    before history was kept, or by bulk inserts): the edit's changes are read against it."""
    if consultation.history.exists():  # type: ignore[attr-defined]
        return
    at = consultation.created_at
    consultation.history.bulk_history_create(  # type: ignore[attr-defined]
        [consultation],
        default_user=consultation.created_by,
        default_change_reason=REASON_BASELINE,
        default_date=at,
    )
    members = list(consultation.household.all())
    HouseholdMember.history.bulk_history_create(  # type: ignore[attr-defined]
        members,
        default_user=consultation.created_by,
        default_change_reason=REASON_BASELINE,
        default_date=at,
    )


def consultation_update(
    *,
    consultation: Consultation,
    by: Any,
    data: dict[str, Any],
    household: list[HouseholdRow],
) -> Consultation:
    """Correct a consultation after intake: the person, who came, the troubles, the narrative,
    the urgency and the household (``household`` is the whole household as it should be: rows
    with a ``member_id`` change that member, rows without one are new, members left out are
    removed). Only the owning agency's staff, only while the case is open.

    Every change is kept (``Consultation.history`` and ``HouseholdMember.history``, one edit
    = one time, by, reason ``edit``) and logged; bad input raises ``ValidationError`` with
    nothing changed and no history written; an edit that changes nothing writes nothing."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not an editable field: {sorted(unknown)}")
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        require(consultation_can(by, "edit", locked))
        as_it_was = copy.copy(locked)
        before = _editable_values(locked)
        for name, value in data.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.search_document = _consultation_search_document(locked)
        locked.full_clean()

        existing = {m.pk: m for m in locked.household.all()}
        kept: set[int] = set()
        to_save: list[HouseholdMember] = []
        for row in household:
            if row.member_id is not None:
                member = existing.get(row.member_id)
                if member is None or row.member_id in kept:
                    raise ValidationError(_("世帯員の指定が正しくありません。"))
                kept.add(row.member_id)
                old = (member.relation, member.age, member.notes)
                member.relation, member.age, member.notes = row.relation, row.age, row.notes
                if old == (member.relation, member.age, member.notes):
                    continue
            else:
                member = HouseholdMember(
                    consultation=locked, relation=row.relation, age=row.age, notes=row.notes
                )
            member.full_clean()
            to_save.append(member)
        to_delete = [m for pk, m in existing.items() if pk not in kept]

        fields_changed = before != _editable_values(locked)
        if not (fields_changed or to_save or to_delete):
            return locked
        _history_baseline(as_it_was)
        now = timezone.now()
        # The consultation's row is written for every edit, household-only ones included: it
        # is the edit's entry in the history, and its household rows share its time.
        stamp(locked, by=by, at=now, reason=REASON_EDIT)
        locked.save()
        for member in to_save:
            stamp(member, by=by, at=now, reason=REASON_EDIT)
            member.save()
        for member in to_delete:
            stamp(member, by=by, at=now, reason=REASON_EDIT)
            member.delete()
        # A receiver's name search follows the name it may read.
        sheets = list(locked.sheets.all())
        for sheet in sheets:
            sheet.consultation = locked
            sheet.search_document = sheet_search_document(sheet)
        TsunaguSheet.objects.bulk_update(sheets, ["search_document"])
        access_log_write(
            user=by,
            agency=locked.agency,
            owner_agency=locked.agency,
            action=AccessLog.Action.UPDATE,
            obj=locked,
        )
    return locked


def consultation_consent_update(
    *,
    consultation: Consultation,
    by: Any,
    status: str,
    method: str,
    fields: list[str],
    domains: list[Domain],
    agencies: list[Organization],
    expires_on: date | None,
) -> Consultation:
    """Record a new consent (or its withdrawal): who took it and when are set anew.

    A consent given now runs from today: its expiry is a date being entered. Without consent
    the expiry means nothing and only the model's range applies."""
    if status == Consultation.ConsentStatus.GIVEN:
        _check_date_entered(
            expires_on, kind="consent_expiry", field="consent_expires_on", label=_("同意の有効期限")
        )
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        before_status = locked.consent_status
        before = _consent_scope(locked, locked.consent_domains.all(), locked.consent_agencies.all())
        locked.consent_method = method
        locked.consent_fields = sorted(set(fields))
        locked.consent_expires_on = expires_on
        given = status == Consultation.ConsentStatus.GIVEN
        locked.consent_taken_by = by if given else None
        locked.consent_taken_at = timezone.now() if given else None
        # The machine writes the event; a record refused below rolls it back with the rest.
        CONSENT_STATES.move(
            locked,
            status,
            may=lambda action: consultation_can(by, action, locked),
            by=by,
            save=False,
            kind=consent_event_kind(
                before_status=before_status,
                after_status=status,
                before=before,
                after=_consent_scope(locked, domains, agencies),
            ),
            domains=domains,
            agencies=agencies,
        )
        locked.full_clean()
        # The consent's event is its history: no field-history row for it.
        locked.save_without_historical_record()  # type: ignore[attr-defined]
        locked.consent_domains.set(domains)
        locked.consent_agencies.set(agencies)
        # A receiver's search reaches only the fields the consent covers now.
        sheets = list(locked.sheets.all())
        for sheet in sheets:
            sheet.consultation = locked
            sheet.search_document = sheet_search_document(sheet)
        TsunaguSheet.objects.bulk_update(sheets, ["search_document"])
        # A sent sheet the consent no longer lets its receiver take has no deadline reminders;
        # one it covers again has them back.
        sheet_deadline_reminders_follow_basis(
            [s.pk for s in sheets if s.status == SheetStatus.SENT], today=timezone.localdate()
        )
        access_log_write(
            user=by,
            agency=locked.agency,
            owner_agency=locked.agency,
            action=AccessLog.Action.UPDATE,
            obj=locked,
        )
    return locked


def consultation_close(*, consultation: Consultation, by: Any) -> Consultation:
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.status != Consultation.Status.CLOSED:
            locked.closed_at = timezone.now()
            stamp(locked, by=by, at=locked.closed_at, reason=REASON_CLOSE)
            CONSULTATION_STATES.move(
                locked,
                Consultation.Status.CLOSED,
                may=lambda action: consultation_can(by, action, locked),
                by=by,
                update_fields=["closed_at", "updated_at"],
            )
        access_log_write(
            user=by,
            agency=locked.agency,
            owner_agency=locked.agency,
            action=AccessLog.Action.UPDATE,
            obj=locked,
        )
    return locked


def consultations_anonymize_closed(*, now: Any = None) -> int:
    """Strip personal data from consultations closed longer than the retention period.

    The counts, dates, urgency, troubles and the sheets' states stay for statistics."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=30 * conf.RETENTION_MONTHS)
    ids = list(
        Consultation.objects.filter(
            status=Consultation.Status.CLOSED, closed_at__lt=cutoff, anonymized_at__isnull=True
        ).values_list("id", flat=True)[:5000]
    )
    with transaction.atomic():
        # Consultations before their sheets: the lock order every writer of both keeps.
        count = Consultation.objects.filter(id__in=ids).update(
            person_name="（匿名化済み）",
            person_kana="",
            birth_date=None,
            phone="",
            visitor_relation="",
            narrative="",
            search_document="",
            anonymized_at=now,
        )
        HouseholdMember.objects.filter(consultation_id__in=ids).delete()
        # The history holds the same personal data: stripped and removed the same way
        # (after the household's delete, which writes its own history rows).
        Consultation.history.filter(id__in=ids).update(  # type: ignore[attr-defined]
            person_name="（匿名化済み）",
            person_kana="",
            birth_date=None,
            phone="",
            visitor_relation="",
            narrative="",
        )
        HouseholdMember.history.filter(consultation_id__in=ids).delete()  # type: ignore[attr-defined]
        TsunaguSheet.objects.filter(consultation_id__in=ids).update(
            search_document="", reason="", report_back="", contact_times=""
        )
        SheetTransition.objects.filter(sheet__consultation_id__in=ids).update(note="")
    return count
