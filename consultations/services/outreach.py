"""Outreach cases: contacts, the next-contact reminder, conversion into a consultation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Organization
from reminders.services import reminder_schedule, reminders_cancel_matching

from .. import conf
from ..models import (
    AccessLog,
    Consultation,
    OutreachAttempt,
    OutreachCase,
    SharedField,
)
from ..policies import OUTREACH_STATES, outreach_can
from .access_log import access_log_write
from .common import _check_date_entered, _morning_before, _tell_agency_staff
from .consultations import consultation_create


def _outreach_log(case: OutreachCase, by: Any, action: str) -> None:
    access_log_write(
        user=by,
        agency=case.organization,
        owner_agency=case.organization,
        action=action,
        obj=case,
    )


def _schedule_next_contact(case: OutreachCase) -> None:
    if case.next_contact_on is None or case.created_by_id is None:
        return
    reminder_schedule(
        kind="consultations.outreach_next",
        key=f"{_next_contact_prefix(case.pk)}{case.next_contact_on.isoformat()}",
        due_at=_morning_before(case.next_contact_on + timedelta(days=1)),
        subject=_("アウトリーチの連絡日です"),
        body=_("見守り中のケース #%(id)s に連絡する日です。") % {"id": case.pk},
        recipient=case.created_by,
        url=reverse("consultations:outreach_detail", kwargs={"pk": case.pk}),
        about=case,
    )


def _next_contact_prefix(case_id: int) -> str:
    """The next-contact reminder's key, up to the date it names (``_schedule_next_contact``)."""
    return f"outreach:{case_id}:next:"


def _cancel_next_contact(case: OutreachCase) -> None:
    """The pending next-contact reminder, whichever date its key names."""
    reminders_cancel_matching(key_prefix=_next_contact_prefix(case.pk))


def outreach_create(
    *,
    organization: Organization,
    by: Any,
    district: Any,
    household_tag: str,
    source: str,
    notes: str = "",
    rhythm_days: int = 14,
) -> OutreachCase:
    case = OutreachCase(
        organization=organization,
        created_by=by,
        district=district,
        household_tag=household_tag,
        source=source,
        notes=notes,
        rhythm_days=rhythm_days,
        next_contact_on=timezone.localdate() + timedelta(days=rhythm_days),
    )
    case.full_clean()
    with transaction.atomic():
        case.save()
        _schedule_next_contact(case)
        _outreach_log(case, by, AccessLog.Action.CREATE)
    return case


def outreach_attempt_add(
    *,
    case: OutreachCase,
    by: Any,
    on: date,
    method: str,
    reached: bool,
    note: str = "",
) -> OutreachAttempt:
    if case.status != OutreachCase.Status.ACTIVE:
        raise ValidationError(_("見守り中のケースにだけ記録できます。"))
    # Within the last year and never in the future.
    _check_date_entered(on, kind="contact", field="on", label=_("連絡した日"))
    attempt = OutreachAttempt(case=case, on=on, method=method, reached=reached, note=note, by=by)
    attempt.full_clean()
    with transaction.atomic():
        locked = OutreachCase.objects.select_for_update().get(pk=case.pk)
        attempt.save()
        _cancel_next_contact(locked)
        locked.next_contact_on = on + timedelta(days=locked.rhythm_days)
        locked.save(update_fields=["next_contact_on"])
        _schedule_next_contact(locked)
        _outreach_log(locked, by, AccessLog.Action.UPDATE)
    return attempt


def outreach_convert(
    *,
    case: OutreachCase,
    by: Any,
    agency: Organization,
    person_name: str,
    person_kana: str = "",
    phone: str = "",
    troubles: list[str] | None = None,
    narrative: str = "",
    consent_method: str,
) -> Consultation:
    """The person agreed: start a consultation at a consultation agency. The coordinator
    hands it over and, from then on, sees only that the case was converted."""
    if case.status != OutreachCase.Status.ACTIVE:
        raise ValidationError(_("見守り中のケースだけを相談につなげます。"))
    if agency.kind != Organization.Kind.CONSULTATION_AGENCY:
        raise ValidationError(_("つなぐ先は相談支援機関から選んでください。"))
    with transaction.atomic():
        locked = OutreachCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != OutreachCase.Status.ACTIVE:
            raise ValidationError(_("見守り中のケースだけを相談につなげます。"))
        consultation = consultation_create(
            agency=agency,
            by=by,
            data={
                "person_name": person_name,
                "person_kana": person_kana,
                "phone": phone,
                "district": locked.district,
                "troubles": troubles or [],
                "narrative": narrative,
                "consent_status": Consultation.ConsentStatus.GIVEN,
                "consent_method": consent_method,
                "consent_fields": list(SharedField.values),
            },
            consent_agencies=[agency],
        )
        locked.consultation = consultation
        OUTREACH_STATES.move(
            locked,
            OutreachCase.Status.CONVERTED,
            may=lambda action: outreach_can(by, action, locked),
            by=by,
            update_fields=["consultation"],
        )
        _cancel_next_contact(locked)
        _outreach_log(locked, by, AccessLog.Action.TRANSITION)
        _tell_agency_staff(
            agency.pk,
            key=f"consultation:{consultation.pk}:from-outreach:{{user}}",
            subject=_("地域福祉コーディネーターから相談がつながりました"),
            body=_("相談 #%(id)s を確認してください。") % {"id": consultation.pk},
            url=reverse("consultations:consultation_detail", kwargs={"pk": consultation.pk}),
        )
    return consultation


def outreach_anonymize_stale(*, now: Any = None) -> int:
    """Cases that never reached consent lose their details after the configured months."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=30 * conf.OUTREACH_ANONYMISE_MONTHS)
    qs = OutreachCase.objects.filter(
        status__in=[OutreachCase.Status.ACTIVE, OutreachCase.Status.CLOSED], created_at__lt=cutoff
    )
    ids = list(qs.values_list("id", flat=True)[:5000])
    with transaction.atomic():
        OutreachAttempt.objects.filter(case_id__in=ids).update(note="")
        # No next contact any more: its reminder goes, whichever date its key names.
        reminders_cancel_matching(key_prefixes=[_next_contact_prefix(pk) for pk in ids])
        return OutreachCase.objects.filter(id__in=ids).update(
            household_tag="（匿名化済み）",
            notes="",
            next_contact_on=None,
            status=OutreachCase.Status.ANONYMIZED,
            anonymized_at=now,
        )
