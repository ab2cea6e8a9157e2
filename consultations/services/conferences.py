"""Multi-agency conferences: their records, tasks and unmet needs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from directory.models import Domain, Organization
from reminders.services import reminders_cancel_matching

from ..models import (
    AccessLog,
    Conference,
    ConferenceTask,
    Consultation,
    UnmetNeed,
)
from .access_log import access_log_write
from .common import _check_date_entered, _morning_before, _tell_agency_staff


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
        # The review reminders follow the record: a date moved or cleared, or staff who have
        # left the convening agency since, leave nothing pending (by prefix, not by the keys
        # of today's staff).
        reminders_cancel_matching(key_prefix=f"conference:{locked.pk}:review:")
        if next_review_on is not None:
            _tell_agency_staff(
                locked.convened_by_id,
                kind="consultations.conference_review",
                key=f"conference:{locked.pk}:review:{{user}}",
                due_at=_morning_before(next_review_on),
                subject=_("多機関協働会議の見直し日が近づいています"),
                # The number, not the title: titles may name a family, and this is emailed.
                body=_("多機関協働会議 #%(id)s の見直し日は %(day)s です。")
                % {"id": locked.pk, "day": next_review_on.isoformat()},
                url=reverse("consultations:conference_detail", kwargs={"pk": locked.pk}),
                about=locked,
            )
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=locked.convened_by,
            action=AccessLog.Action.UPDATE,
            obj=locked,
        )
    return locked


def conference_task_add(
    *,
    conference: Conference,
    by: Any,
    agency: Organization,
    organization: Organization,
    description: str,
    due_on: date | None,
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
            _tell_agency_staff(
                organization.pk,
                kind="consultations.conference_task",
                key=f"conference-task:{task.pk}:{{user}}",
                due_at=_morning_before(due_on),
                subject=_("会議で決まった役割の期限が近づいています"),
                # Never the task's text: it may name the person, it is emailed, and an
                # external participant may no longer be allowed to open the conference.
                body=_("多機関協働会議 #%(id)s で決まった役割の期限は %(day)s です。")
                % {"id": conference.pk, "day": due_on.isoformat()},
                url=reverse("consultations:conference_detail", kwargs={"pk": conference.pk}),
                about=conference,
            )
        access_log_write(
            user=by,
            agency=agency,
            owner_agency=conference.convened_by,
            action=AccessLog.Action.UPDATE,
            obj=conference,
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
        )
    return need
