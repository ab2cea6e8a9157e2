"""Consultations: intake, consent, closing, anonymising after retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Domain, Organization
from directory.search import search_document

from .. import conf
from ..models import (
    AccessLog,
    Consultation,
    HouseholdMember,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
)
from ..policies import CONSENT_STATES, CONSULTATION_STATES, consultation_can
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
    with transaction.atomic():
        consultation.save()
        consultation.consent_domains.set(consent_domains or [])
        consultation.consent_agencies.set(consent_agencies or [])
        for row in household or []:
            member = HouseholdMember(
                consultation=consultation, relation=row.relation, age=row.age, notes=row.notes
            )
            member.full_clean()
            member.save()
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=agency,
            action=AccessLog.Action.CREATE,
            obj=consultation,
        )
    return consultation


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
        CONSENT_STATES.move(
            locked,
            status,
            may=lambda action: consultation_can(by, action, locked),
            by=by,
            save=False,
        )
        locked.consent_method = method
        locked.consent_fields = sorted(set(fields))
        locked.consent_expires_on = expires_on
        given = status == Consultation.ConsentStatus.GIVEN
        locked.consent_taken_by = by if given else None
        locked.consent_taken_at = timezone.now() if given else None
        locked.full_clean()
        locked.save()
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
        TsunaguSheet.objects.filter(consultation_id__in=ids).update(
            search_document="", reason="", report_back="", contact_times=""
        )
        SheetTransition.objects.filter(sheet__consultation_id__in=ids).update(note="")
    return count
