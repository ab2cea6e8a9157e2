"""Tsunagu sheets: drafting, sending, the receiver's steps, deadline reminders."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Organization
from directory.search import search_document
from machida_portal.wareki import birth_date_label
from reminders.services import notify, reminder_schedule, reminders_cancel_matching

from .. import conf
from ..deadlines import deadline_for
from ..models import (
    AccessLog,
    Consultation,
    HouseholdMember,
    SharedField,
    SheetStatus,
    TsunaguSheet,
)
from ..policies import (
    SHEET_DEADLINE_KIND,
    SHEET_ESCALATION_KIND,
    SHEET_STATES,
    overseeing_city_staff,
    sheet_can,
    sheet_moves,
)
from .access_log import access_log_write
from .common import _check_date_entered, _tell_agency_staff

S = SheetStatus


def _consent_refusals() -> dict[str, str]:
    """What a sender is told for each part of the consent basis that does not hold
    (``models.consent_basis_parts``), in its order."""
    return {
        "given": _(
            "本人の同意がないため送れません。支援会議で決めた場合は、その記録を書いてください。"
        ),
        "current": _("同意の有効期限が切れています。同意を取り直してください。"),
        "covers_receiver": _("この機関は同意の範囲（分野・機関）に入っていません。"),
    }


def _check_consent(sheet: TsunaguSheet, today: date) -> None:
    """A sheet sent on consent: the database answers, for this sheet, the same parts of the
    consent basis that open its shared fields to the receiver (``shared_open_q``), and the
    consent must cover every field the sheet hands over (``readable_fields``)."""
    refusals = _consent_refusals()
    holds = (
        TsunaguSheet.objects.filter(pk=sheet.pk)
        .consent_basis_checks(today=today)
        .values(*(f"consent_{name}" for name in refusals))
        .get()
    )
    for name in ("given", "current"):
        if not holds[f"consent_{name}"]:
            raise ValidationError(refusals[name])
    not_covered = set(sheet.shared_fields) - set(sheet.readable_fields())
    if not_covered:
        labels = dict(SharedField.choices)
        raise ValidationError(
            _("同意の範囲にない項目があります: %(fields)s")
            % {"fields": "、".join(str(labels[f]) for f in sorted(not_covered))}
        )
    if not holds["consent_covers_receiver"]:
        raise ValidationError(refusals["covers_receiver"])


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
            # 「昭和16年3月5日（85歳）」: the receiver calls back an older person by their era date.
            value = birth_date_label(c.birth_date) if c.birth_date else ""
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


def _schedule_deadline_reminders(sheet: TsunaguSheet) -> None:
    if sheet.deadline_at is None:
        return
    url = reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    before = max(
        sheet.deadline_at - timedelta(hours=conf.SHEET_REMINDER_HOURS_BEFORE), timezone.now()
    )
    # No personal data in reminder texts: they go out by email.
    _tell_agency_staff(
        sheet.receiver_id,
        kind=SHEET_DEADLINE_KIND,
        key=f"sheet:{sheet.pk}:receiver:{{user}}:before",
        due_at=before,
        subject=_("つなぐシートの受理期限が近づいています"),
        body=_("つなぐシート #%(id)s の受理期限は %(deadline)s です。")
        % {
            "id": sheet.pk,
            "deadline": f"{timezone.localtime(sheet.deadline_at):%Y-%m-%d %H:%M}",
        },
        url=url,
        about=sheet,
    )
    for user in overseeing_city_staff():
        reminder_schedule(
            kind=SHEET_ESCALATION_KIND,
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


# The deadline reminders' keys: per sheet, then per person. Cancelling goes by the per-sheet
# prefix, so it reaches everyone who was reminded, whoever has joined or left since.
def _deadline_prefixes(sheet_id: int) -> tuple[str, str]:
    return f"sheet:{sheet_id}:receiver:", f"sheet:{sheet_id}:escalate:"


def _cancel_deadline_reminders(sheet: TsunaguSheet) -> None:
    for prefix in _deadline_prefixes(sheet.pk):
        reminders_cancel_matching(key_prefix=prefix)


def sheet_deadline_reminders_follow_basis(sheet_ids: list[int], *, today: date) -> None:
    """After the basis of sent sheets changed (a consent recorded anew): a sheet that can no
    longer be received has no deadline reminder or escalation; one that can again has them
    back. Only 送付済み sheets have deadline reminders at all."""
    if not sheet_ids:
        return
    sent = TsunaguSheet.objects.filter(pk__in=sheet_ids, status=S.SENT)
    open_ids = set(sent.shared_open(today=today).values_list("pk", flat=True))
    for sheet in sent:
        if sheet.pk in open_ids:
            _schedule_deadline_reminders(sheet)
        else:
            _cancel_deadline_reminders(sheet)


def sheet_transition(
    *,
    sheet_id: int,
    to: str,
    by: Any,
    agency: Organization,
    note: str = "",
    contact_on: date | None = None,
    contact_method: str = "",
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
        # Every move in the table the side may make, before the basis is read: a move the
        # side cannot make is explained with the state, not refused as forbidden.
        if to not in sheet_moves(sheet, agency):
            raise ValidationError(
                _("今の状態（%(state)s）からはその操作はできません。")
                % {"state": sheet.get_status_display()}
            )
        # A new statement after the lock: it reads the consent as committed now.
        shared_open = (
            to != S.RECEIVED
            or TsunaguSheet.objects.filter(pk=sheet.pk)
            .shared_open(today=timezone.localdate(now))
            .exists()
        )
        if not shared_open:
            raise ValidationError(
                _(
                    "共有の根拠（本人の同意または支援会議）がこの機関に及ばなくなったため、"
                    "受理できません。送った機関に確認してください。"
                )
            )
        if to == S.SENT:
            if sheet.legal_basis == TsunaguSheet.LegalBasis.CONSENT:
                _check_consent(sheet, timezone.localdate(now))
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
        sheet.updated_at = now
        frm = SHEET_STATES.move(
            sheet,
            to,
            may=lambda action: sheet_can(agency, action, sheet, shared_open=shared_open),
            by=by,
            save=False,
            agency=agency,
            note=note,
            at=now,
        )
        sheet.full_clean()
        sheet.save()
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=sheet.consultation.agency,
            action=AccessLog.Action.TRANSITION,
            obj=sheet,
        )
        if to == S.SENT:
            _schedule_deadline_reminders(sheet)
            _tell_agency_staff(
                sheet.receiver_id,
                key=f"sheet:{sheet.pk}:sent:{{user}}",
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
