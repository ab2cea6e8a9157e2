"""Writes for consultations and tsunagu sheets. Each change writes an access-log row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Domain, Membership, Organization, Role
from directory.search import search_document
from machida_portal.request_context import current_path
from reminders.services import notify, reminder_cancel, reminder_schedule

from . import conf
from .deadlines import deadline_for
from .models import (
    AccessLog,
    Conference,
    ConferenceTask,
    Consultation,
    HouseholdMember,
    OutreachAttempt,
    OutreachCase,
    SharedField,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
    UnmetNeed,
    validate_case_date,
    validate_date_entered,
)

S = SheetStatus

# (from, to) → which side may make the move. The one table of the sheet's state machine.
SHEET_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SENT): "sender",
    (S.DRAFT, S.WITHDRAWN): "sender",
    (S.SENT, S.WITHDRAWN): "sender",
    (S.SENT, S.RECEIVED): "receiver",
    (S.SENT, S.DECLINED): "receiver",
    (S.RECEIVED, S.FIRST_CONTACT): "receiver",
    (S.RECEIVED, S.RETURNED): "receiver",
    (S.FIRST_CONTACT, S.SUPPORTING): "receiver",
    (S.FIRST_CONTACT, S.COMPLETED): "receiver",
    (S.FIRST_CONTACT, S.RETURNED): "receiver",
    (S.SUPPORTING, S.COMPLETED): "receiver",
    (S.SUPPORTING, S.RETURNED): "receiver",
}


def allowed_moves(
    sheet: TsunaguSheet, agency: Organization | None, *, shared_open: bool = True
) -> list[str]:
    """The moves the agency's side may make now. A sheet whose basis is gone
    (``shared_open`` false) can still be declined or withdrawn, never received."""
    if agency is None:
        return []
    side = (
        "sender"
        if agency.pk == sheet.sender_id
        else "receiver"
        if agency.pk == sheet.receiver_id
        else ""
    )
    return [
        to
        for (frm, to), who in SHEET_TRANSITIONS.items()
        if frm == sheet.status and who == side and (shared_open or to != S.RECEIVED)
    ]


def access_log_write(
    *,
    user: Any,
    agency: Organization | None,
    owner_agency: Organization | None,
    action: str,
    obj: Model,
    path: str = "",
) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        agency=agency,
        owner_agency=owner_agency,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        path=(path or current_path())[:300],
    )


def access_log_list(
    *,
    user: Any,
    agency: Organization | None,
    shown: Iterable[tuple[Model, int | None]],
    path: str = "",
) -> int:
    """Log the records a list, a search or the duplicate hints named, each with the id of the
    agency that owns it (so its supervisors see the read): one row per record, one insert
    whatever the page size, none when the page named nobody."""
    rows = [
        AccessLog(
            user=user,
            agency=agency,
            owner_agency_id=owner_id,
            action=AccessLog.Action.LIST,
            object_type=obj._meta.model_name or "",
            object_id=obj.pk,
            path=(path or current_path())[:300],
        )
        for obj, owner_id in shown
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def _consultation_search_document(c: Consultation) -> str:
    return search_document(c.person_name, c.person_kana, c.narrative)


@dataclass
class HouseholdRow:
    relation: str
    age: int | None = None
    notes: str = ""


def _check_date_entered(
    value: date | None, *, kind: str, field: str, label: Any, today: date | None = None
) -> None:
    """A date being entered lies in its window (``conf.DATE_WINDOWS[kind]``), else a
    ValidationError on ``field`` whose message names the field: the views show it alone."""
    if value is None:
        return
    try:
        validate_date_entered(value, kind=kind, label=label, today=today)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None


def consultation_create(
    *,
    agency: Organization,
    by: Any,
    data: dict[str, Any],
    consent_domains: list[Domain] | None = None,
    consent_agencies: list[Organization] | None = None,
    household: list[HouseholdRow] | None = None,
    path: str = "",
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
            path=path,
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
    path: str = "",
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
        locked.consent_status = status
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
        access_log_write(
            user=by,
            agency=locked.agency,
            owner_agency=locked.agency,
            action=AccessLog.Action.UPDATE,
            obj=locked,
            path=path,
        )
    return locked


def consultation_close(*, consultation: Consultation, by: Any, path: str = "") -> Consultation:
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.status != Consultation.Status.CLOSED:
            locked.status = Consultation.Status.CLOSED
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at", "updated_at"])
        access_log_write(
            user=by,
            agency=locked.agency,
            owner_agency=locked.agency,
            action=AccessLog.Action.UPDATE,
            obj=locked,
            path=path,
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


def _check_consent(
    consultation: Consultation, receiver: Organization, fields: list[str], today: date
) -> None:
    if consultation.consent_status != Consultation.ConsentStatus.GIVEN:
        raise ValidationError(
            _("本人の同意がないため送れません。支援会議で決めた場合は、その記録を書いてください。")
        )
    if not consultation.consent_valid_on(today):
        raise ValidationError(_("同意の有効期限が切れています。同意を取り直してください。"))
    not_covered = set(fields) - set(consultation.consent_fields or [])
    if not_covered:
        labels = dict(SharedField.choices)
        raise ValidationError(
            _("同意の範囲にない項目があります: %(fields)s")
            % {"fields": "、".join(str(labels[f]) for f in sorted(not_covered))}
        )
    agencies = {a.pk for a in consultation.consent_agencies.all()}
    domains = {d.pk for d in consultation.consent_domains.all()}
    receiver_domains = {d.pk for d in receiver.domains.all()}
    if receiver.pk not in agencies and not (domains & receiver_domains):
        raise ValidationError(_("この機関は同意の範囲（分野・機関）に入っていません。"))


def sheet_create(
    *,
    consultation: Consultation,
    receiver: Organization,
    by: Any,
    reason: str,
    shared_fields: list[str],
    urgency: str,
    legal_basis: str = TsunaguSheet.LegalBasis.CONSENT,
    support_meeting_note: str = "",
    preferred_contact: str = "",
    contact_times: str = "",
    path: str = "",
) -> TsunaguSheet:
    """A draft sheet. Consent is checked again when it is sent."""
    if consultation.status != Consultation.Status.OPEN:
        raise ValidationError(_("終結した相談からはつなげません。"))
    if receiver.pk == consultation.agency_id:
        raise ValidationError(_("自分の機関にはつなげません。"))
    if set(shared_fields) - set(SharedField.values):
        raise ValidationError(_("引き継ぐ項目の選び方が正しくありません。"))
    sheet = TsunaguSheet(
        consultation=consultation,
        sender_id=consultation.agency_id,
        receiver=receiver,
        created_by=by,
        reason=reason,
        shared_fields=sorted(set(shared_fields)),
        urgency=urgency,
        legal_basis=legal_basis,
        support_meeting_note=support_meeting_note,
        preferred_contact=preferred_contact,
        contact_times=contact_times,
    )
    if legal_basis == TsunaguSheet.LegalBasis.SUPPORT_MEETING and not support_meeting_note.strip():
        raise ValidationError(_("支援会議で決めたときは、会議の日付と決定を書いてください。"))
    sheet.search_document = sheet_search_document(sheet)
    sheet.full_clean()
    with transaction.atomic():
        sheet.save()
        access_log_write(
            user=by,
            agency=consultation.agency,
            owner_agency=consultation.agency,
            action=AccessLog.Action.CREATE,
            obj=sheet,
            path=path,
        )
    return sheet


def sheet_shared_data(sheet: TsunaguSheet, *, for_sender: bool = False) -> list[tuple[str, Any]]:
    """(label, value) for exactly the fields the sheet hands over and the basis still covers:
    what the receiver sees while the sheet is open (``TsunaguSheet.shared_open``). The sender,
    whose record it is, sees every field it chose to hand over."""
    c = sheet.consultation
    labels = dict(SharedField.choices)
    readable = sheet.shared_fields if for_sender else sheet.readable_fields()
    rows: list[tuple[str, Any]] = []
    for field in SharedField.values:
        if field not in readable:
            continue
        value: Any
        if field == SharedField.NAME:
            value = f"{c.person_name}（{c.person_kana}）" if c.person_kana else c.person_name
        elif field == SharedField.BIRTH_DATE:
            value = c.birth_date
        elif field == SharedField.DISTRICT:
            value = c.district.name if c.district else ""
        elif field == SharedField.PHONE:
            value = c.phone
        elif field == SharedField.HOUSEHOLD:
            value = "、".join(_household_line(m) for m in c.household.all())
        elif field == SharedField.TROUBLES:
            value = "、".join(c.trouble_labels())
        else:
            value = c.narrative
        rows.append((str(labels[field]), value))
    return rows


def _household_line(member: HouseholdMember) -> str:
    age = f"（{member.age}歳）" if member.age is not None else ""
    notes = f" {member.notes}" if member.notes else ""
    return f"{member.relation}{age}{notes}"


def sheet_search_document(sheet: TsunaguSheet) -> str:
    c = sheet.consultation
    parts: list[str] = [sheet.reason]
    if SharedField.NAME in sheet.readable_fields():
        parts += [c.person_name, c.person_kana]
    return search_document(*parts)


def _receiver_staff(receiver_id: int) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=receiver_id, role=Role.CONSULTATION_STAFF, is_active=True
        ).select_related("user")
    ]


def _city_staff() -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.CITY_STAFF,
            is_active=True,
            organization__kind=Organization.Kind.CITY_DEPARTMENT,
        ).select_related("user")
    ]


def _schedule_deadline_reminders(sheet: TsunaguSheet) -> None:
    if sheet.deadline_at is None:
        return
    url = reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    before = max(
        sheet.deadline_at - timedelta(hours=conf.SHEET_REMINDER_HOURS_BEFORE), timezone.now()
    )
    # No personal data in reminder texts: they go out by email.
    for user in _receiver_staff(sheet.receiver_id):
        reminder_schedule(
            kind="consultations.sheet_deadline",
            key=f"sheet:{sheet.pk}:receiver:{user.pk}:before",
            due_at=before,
            subject=_("つなぐシートの受理期限が近づいています"),
            body=_("つなぐシート #%(id)s の受理期限は %(deadline)s です。")
            % {
                "id": sheet.pk,
                "deadline": f"{timezone.localtime(sheet.deadline_at):%Y-%m-%d %H:%M}",
            },
            recipient=user,
            url=url,
            about=sheet,
        )
    for user in _city_staff():
        reminder_schedule(
            kind="consultations.sheet_escalation",
            key=f"sheet:{sheet.pk}:escalate:{user.pk}",
            due_at=sheet.deadline_at,
            subject=_("受理期限を過ぎたつなぐシートがあります"),
            body=_(
                "つなぐシート #%(id)s が期限までに受理されていません。"
                "期限切れ一覧で確認してください。"
            )
            % {"id": sheet.pk},
            recipient=user,
            url=reverse("consultations:overdue_board"),
            about=sheet,
        )


def _cancel_deadline_reminders(sheet: TsunaguSheet) -> None:
    for user in _receiver_staff(sheet.receiver_id):
        reminder_cancel(key=f"sheet:{sheet.pk}:receiver:{user.pk}:before")
    for user in _city_staff():
        reminder_cancel(key=f"sheet:{sheet.pk}:escalate:{user.pk}")


def sheet_transition(
    *,
    sheet_id: int,
    to: str,
    by: Any,
    agency: Organization,
    note: str = "",
    contact_on: date | None = None,
    contact_method: str = "",
    path: str = "",
    now: Any = None,
) -> TsunaguSheet:
    """Apply one move of the state machine; two people racing leave one transition."""
    now = now or timezone.now()
    note = (note or "").strip()
    with transaction.atomic():
        # The consultation first, then the sheet: the order recording a consent takes (it
        # rewrites the sheets' search documents), so the two never deadlock, and a receipt
        # racing a refusal waits for it and then sees it.
        list(
            Consultation.objects.select_for_update(of=("self",)).filter(sheets=sheet_id).only("pk")
        )
        sheet = (
            TsunaguSheet.objects.select_for_update(of=("self",))
            .select_related("consultation")
            .get(pk=sheet_id)
        )
        frm = sheet.status
        if to not in allowed_moves(sheet, agency):
            raise ValidationError(
                _("今の状態（%(state)s）からはその操作はできません。")
                % {"state": sheet.get_status_display()}
            )
        if (
            to == S.RECEIVED
            # A new statement after the lock: it reads the consent as committed now.
            and not TsunaguSheet.objects.filter(pk=sheet.pk)
            .shared_open(today=timezone.localdate(now))
            .exists()
        ):
            raise ValidationError(
                _(
                    "共有の根拠（本人の同意または支援会議）がこの機関に及ばなくなったため、"
                    "受理できません。送った機関に確認してください。"
                )
            )
        if to == S.SENT:
            if sheet.legal_basis == TsunaguSheet.LegalBasis.CONSENT:
                _check_consent(
                    sheet.consultation, sheet.receiver, sheet.shared_fields, timezone.localdate(now)
                )
            sheet.sent_at = now
            sheet.deadline_at = deadline_for(now, sheet.urgency)
        elif to == S.RECEIVED:
            sheet.received_at = now
        elif to == S.DECLINED:
            if not note:
                raise ValidationError(_("不受理の理由を書いてください。"))
            sheet.decline_reason = note
        elif to == S.RETURNED:
            if not note:
                raise ValidationError(_("差し戻しの理由を書いてください。"))
            sheet.return_reason = note
        elif to == S.FIRST_CONTACT:
            if contact_on is None or contact_method not in TsunaguSheet.ContactMethod.values:
                raise ValidationError(_("初回連絡の日付と方法を入れてください。"))
            # Within the last year and never in the future.
            _check_date_entered(
                contact_on,
                kind="contact",
                field="first_contact_on",
                label=_("初回連絡日"),
                today=timezone.localdate(now),
            )
            sent_day = timezone.localdate(sheet.sent_at) if sheet.sent_at else contact_on
            if contact_on < sent_day:
                raise ValidationError(_("初回連絡の日付が送付日より前になっています。"))
            sheet.first_contact_on = contact_on
            sheet.first_contact_method = contact_method
            sheet.days_to_first_contact = (contact_on - sent_day).days
        if note and to in (S.FIRST_CONTACT, S.SUPPORTING, S.COMPLETED):
            sheet.report_back = note
        sheet.status = to
        sheet.updated_at = now
        sheet.full_clean()
        sheet.save()
        SheetTransition.objects.create(
            sheet=sheet, from_status=frm, to_status=to, by=by, agency=agency, note=note, at=now
        )
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=sheet.consultation.agency,
            action=AccessLog.Action.TRANSITION,
            obj=sheet,
            path=path,
        )
        if to == S.SENT:
            _schedule_deadline_reminders(sheet)
            for user in _receiver_staff(sheet.receiver_id):
                notify(
                    recipient=user,
                    key=f"sheet:{sheet.pk}:sent:{user.pk}",
                    subject=_("つなぐシートが届きました"),
                    body=_("つなぐシート #%(id)s が届きました。受理するか確認してください。")
                    % {"id": sheet.pk},
                    url=reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk}),
                    about=sheet,
                )
        elif frm == S.SENT:
            _cancel_deadline_reminders(sheet)
        if sheet.created_by_id and agency.pk == sheet.receiver_id:
            # Closing the loop: the sender hears of every step the receiver takes.
            notify(
                recipient=sheet.created_by,
                key=f"sheet:{sheet.pk}:{to}:sender",
                subject=_("つなぐシートの状況が変わりました"),
                body=_("つなぐシート #%(id)s: %(state)s")
                % {"id": sheet.pk, "state": sheet.get_status_display()},
                url=reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk}),
                about=sheet,
            )
    return sheet


def _agency_staff(organization_id: int) -> list[Any]:
    return _receiver_staff(organization_id)


def conference_create(
    *,
    convened_by: Organization,
    by: Any,
    title: str,
    held_on: date,
    legal_basis: str,
    agenda: str = "",
    participants: list[Organization],
    consultations: list[Consultation],
    path: str = "",
) -> Conference:
    _check_date_entered(held_on, kind="conference", field="held_on", label=_("開催日"))
    if any(c.agency_id != convened_by.pk for c in consultations):
        raise ValidationError(_("対象の相談は、呼びかけた機関の相談から選んでください。"))
    if legal_basis == Conference.LegalBasis.LAYERED and any(
        not c.consent_valid_on(held_on) for c in consultations
    ):
        raise ValidationError(
            _("重層的支援会議には本人の同意が必要です。同意がない場合は支援会議を選んでください。")
        )
    conference = Conference(
        convened_by=convened_by,
        created_by=by,
        title=title,
        held_on=held_on,
        legal_basis=legal_basis,
        agenda=agenda,
    )
    conference.full_clean()
    with transaction.atomic():
        conference.save()
        conference.participants.set({convened_by, *participants})
        conference.consultations.set(consultations)
        access_log_write(
            user=by,
            agency=convened_by,
            owner_agency=convened_by,
            action=AccessLog.Action.CREATE,
            obj=conference,
            path=path,
        )
    return conference


def conference_record(
    *,
    conference: Conference,
    by: Any,
    agency: Organization,
    assessment: str,
    direction: str,
    decision: str,
    next_review_on: date | None,
    path: str = "",
) -> Conference:
    # A review date left as it was is not entered again: an old record stays editable.
    if next_review_on != conference.next_review_on:
        _check_date_entered(
            next_review_on, kind="review", field="next_review_on", label=_("次の見直し日")
        )
    if next_review_on is not None and next_review_on < conference.held_on:
        raise ValidationError(_("次の見直し日は開催日より後にしてください。"))
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        locked.assessment = assessment
        locked.direction = direction
        locked.decision = decision
        locked.next_review_on = next_review_on
        locked.full_clean()
        locked.save()
        if next_review_on is not None:
            for user in _agency_staff(locked.convened_by_id):
                reminder_schedule(
                    kind="consultations.conference_review",
                    key=f"conference:{locked.pk}:review:{user.pk}",
                    due_at=_morning_before(next_review_on),
                    subject=_("多機関協働会議の見直し日が近づいています"),
                    # The number, not the title: titles may name a family, and this is emailed.
                    body=_("多機関協働会議 #%(id)s の見直し日は %(day)s です。")
                    % {"id": locked.pk, "day": next_review_on.isoformat()},
                    recipient=user,
                    url=reverse("consultations:conference_detail", kwargs={"pk": locked.pk}),
                    about=locked,
                )
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=locked.convened_by,
            action=AccessLog.Action.UPDATE,
            obj=locked,
            path=path,
        )
    return locked


def _morning_before(day: date) -> datetime:
    """9:00 the day before ``day``: a reminder's due time. A date out of the models' range is a
    ValidationError here (never an OverflowError from the date arithmetic)."""
    validate_case_date(day)
    return timezone.make_aware(datetime.combine(day - timedelta(days=1), time(9, 0)))


def conference_task_add(
    *,
    conference: Conference,
    by: Any,
    agency: Organization,
    organization: Organization,
    description: str,
    due_on: date | None,
    path: str = "",
) -> ConferenceTask:
    _check_date_entered(due_on, kind="task_due", field="due_on", label=_("期限"))
    if due_on is not None and due_on < conference.held_on:
        raise ValidationError(_("期限は開催日より後にしてください。"))
    if not conference.participants.filter(pk=organization.pk).exists():
        raise ValidationError(_("担当機関は会議の参加機関から選んでください。"))
    task = ConferenceTask(
        conference=conference, organization=organization, description=description, due_on=due_on
    )
    task.full_clean()
    with transaction.atomic():
        task.save()
        if due_on is not None:
            for user in _agency_staff(organization.pk):
                reminder_schedule(
                    kind="consultations.conference_task",
                    key=f"conference-task:{task.pk}:{user.pk}",
                    due_at=_morning_before(due_on),
                    subject=_("会議で決まった役割の期限が近づいています"),
                    # Never the task's text: it may name the person, it is emailed, and an
                    # external participant may no longer be allowed to open the conference.
                    body=_("多機関協働会議 #%(id)s で決まった役割の期限は %(day)s です。")
                    % {"id": conference.pk, "day": due_on.isoformat()},
                    recipient=user,
                    url=reverse("consultations:conference_detail", kwargs={"pk": conference.pk}),
                    about=conference,
                )
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=conference.convened_by,
            action=AccessLog.Action.UPDATE,
            obj=conference,
            path=path,
        )
    return task


def unmet_need_add(
    *,
    conference: Conference,
    by: Any,
    agency: Organization,
    description: str,
    domain: Domain | None,
    district: Any = None,
    path: str = "",
) -> UnmetNeed:
    need = UnmetNeed(
        conference=conference, description=description, domain=domain, district=district
    )
    need.full_clean()
    with transaction.atomic():
        need.save()
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=conference.convened_by,
            action=AccessLog.Action.UPDATE,
            obj=conference,
            path=path,
        )
    return need


def _outreach_log(case: OutreachCase, by: Any, action: str, path: str) -> None:
    access_log_write(
        user=by,
        agency=case.organization,
        owner_agency=case.organization,
        action=action,
        obj=case,
        path=path,
    )


def _schedule_next_contact(case: OutreachCase) -> None:
    if case.next_contact_on is None or case.created_by_id is None:
        return
    reminder_schedule(
        kind="consultations.outreach_next",
        key=f"outreach:{case.pk}:next:{case.next_contact_on.isoformat()}",
        due_at=_morning_before(case.next_contact_on + timedelta(days=1)),
        subject=_("アウトリーチの連絡日です"),
        body=_("見守り中のケース #%(id)s に連絡する日です。") % {"id": case.pk},
        recipient=case.created_by,
        url=reverse("consultations:outreach_detail", kwargs={"pk": case.pk}),
        about=case,
    )


def outreach_create(
    *,
    organization: Organization,
    by: Any,
    district: Any,
    household_tag: str,
    source: str,
    notes: str = "",
    rhythm_days: int = 14,
    path: str = "",
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
        _outreach_log(case, by, AccessLog.Action.CREATE, path)
    return case


def outreach_attempt_add(
    *,
    case: OutreachCase,
    by: Any,
    on: date,
    method: str,
    reached: bool,
    note: str = "",
    path: str = "",
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
        if locked.next_contact_on:
            reminder_cancel(key=f"outreach:{locked.pk}:next:{locked.next_contact_on.isoformat()}")
        locked.next_contact_on = on + timedelta(days=locked.rhythm_days)
        locked.save(update_fields=["next_contact_on"])
        _schedule_next_contact(locked)
        _outreach_log(locked, by, AccessLog.Action.UPDATE, path)
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
    path: str = "",
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
            path=path,
        )
        locked.status = OutreachCase.Status.CONVERTED
        locked.consultation = consultation
        locked.save(update_fields=["status", "consultation"])
        if locked.next_contact_on:
            reminder_cancel(key=f"outreach:{locked.pk}:next:{locked.next_contact_on.isoformat()}")
        _outreach_log(locked, by, AccessLog.Action.TRANSITION, path)
        for user in _agency_staff(agency.pk):
            notify(
                recipient=user,
                key=f"consultation:{consultation.pk}:from-outreach:{user.pk}",
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
        return OutreachCase.objects.filter(id__in=ids).update(
            household_tag="（匿名化済み）",
            notes="",
            next_contact_on=None,
            status=OutreachCase.Status.ANONYMIZED,
            anonymized_at=now,
        )


def idea_pass_to_agency(
    *,
    idea: Any,
    agency: Organization,
    by: Any,
    person_name: str,
    person_kana: str = "",
    phone: str = "",
    troubles: list[str] | None = None,
    consent_method: str,
    path: str = "",
) -> Consultation:
    """A 困りごと that is a personal welfare matter becomes a consultation at an agency, with
    the resident's consent. The idea's author is told only that it was passed on."""
    from projects.models import Idea
    from projects.services import idea_transition

    if idea.kind != Idea.Kind.TROUBLE:
        raise ValidationError(_("相談支援機関につなげるのは「困りごと」だけです。"))
    if agency.kind != Organization.Kind.CONSULTATION_AGENCY:
        raise ValidationError(_("つなぐ先は相談支援機関から選んでください。"))
    with transaction.atomic():
        consultation = consultation_create(
            agency=agency,
            by=by,
            data={
                "person_name": person_name,
                "person_kana": person_kana,
                "phone": phone,
                "district": idea.district,
                "visitor": Consultation.Visitor.OTHER,
                "visitor_relation": str(_("コーディネーターからのつなぎ")),
                "troubles": troubles or [],
                "narrative": idea.description[: conf.NARRATIVE_MAX_LENGTH],
                "consent_status": Consultation.ConsentStatus.GIVEN,
                "consent_method": consent_method,
                "consent_fields": list(SharedField.values),
                "source_idea": idea,
            },
            consent_agencies=[agency],
            path=path,
        )
        # Raises (and so rolls the consultation back) when the idea cannot move.
        idea_transition(
            idea=idea,
            to=Idea.Status.CONNECTED,
            by=by,
            message=str(_("相談支援機関におつなぎしました。担当者からご連絡します。")),
        )
        for user in _agency_staff(agency.pk):
            notify(
                recipient=user,
                key=f"consultation:{consultation.pk}:from-idea:{user.pk}",
                subject=_("コーディネーターから相談がつながりました"),
                body=_("相談 #%(id)s を確認してください。") % {"id": consultation.pk},
                url=reverse("consultations:consultation_detail", kwargs={"pk": consultation.pk}),
            )
    return consultation
