"""Who may see and do what with case records (decision 0012).

Everything here starts from a capability (``accounts/capabilities.py``) and narrows it to the
reader's organization:

* ``cases.handle`` — consultation staff work on their *agency's* consultations, the sheets it
  sent or received, and the conferences it takes part in (``*_scope``). Anything else is a 404.
* ``cases.oversee`` — the city sees the overdue board and the missing-resources report, which
  hold no personal data.
* ``outreach.handle`` — a welfare coordinator keeps their *organization's* outreach cases.
* ``ideas.hand_off`` — coordinators pass a resident's 困りごと to a consultation agency.

A tsunagu sheet has two sides. The sender's moves are the action ``"send"``, the receiver's
``"receive"``; taking the case on (送付済み → 受理) is ``"accept"``, the receiver's move that
needs the basis (consent or support meeting) to still cover the receiver: a sheet whose basis
is gone can be declined or withdrawn, never received. ``sheet_can`` answers all three, and
``SHEET_STATES`` is the one table of which move is which.

The consent predicate itself stays in ``models.shared_open_q``; this module only reads it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.capabilities import can, roles_with
from directory.models import Membership, Organization
from machida_portal.statements import Compiled
from machida_portal.states import SYSTEM, StateMachine

from . import conf
from .models import (
    AccessLog,
    Conference,
    ConsentEvent,
    Consultation,
    OutreachCase,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
    TsunaguSheetQuerySet,
)

# Organizations whose staff hold case records: consultation agencies, and the medical
# institutions and NPOs that receive hand-overs and join conferences.
CASE_AGENCY_KINDS = (
    Organization.Kind.CONSULTATION_AGENCY,
    Organization.Kind.MEDICAL,
    Organization.Kind.NPO,
)


# ---------------------------------------------------------------------------------------------
# Whose organization: the membership that opens case records.


def agency_membership_of(user: Any) -> Membership | None:
    """The staff member's active membership at a case agency (one that gives
    ``cases.handle``), kept on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_consultation_membership"):
        user._consultation_membership = _CASE_MEMBERSHIP.one(user=user.pk)
    return user._consultation_membership  # type: ignore[no-any-return]


def _case_membership(user: int) -> QuerySet[Membership]:
    """A person's first open membership at an active case agency that gives ``cases.handle``."""
    return (
        Membership.objects.filter(
            user_id=user,
            is_active=True,
            role__in=roles_with("cases.handle"),
            organization__is_active=True,
            organization__kind__in=CASE_AGENCY_KINDS,
        )
        .select_related("organization")
        .order_by("id")[:1]
    )


# Every case page asks it: compiled once per process (decision 0031).
_CASE_MEMBERSHIP: Compiled[Membership] = Compiled(_case_membership, "user")


def agency_of(user: Any) -> Organization | None:
    membership = agency_membership_of(user)
    return membership.organization if membership else None


def acting_agency(user: Any) -> Organization:
    """The agency a person works for on case pages. Someone with ``cases.handle`` but no
    open membership at an active case agency reaches nothing there: a 404."""
    agency = agency_of(user)
    if agency is None:
        raise Http404
    return agency


def acting_outreach_organization(user: Any) -> Organization:
    """The organization whose outreach cases a coordinator keeps; none is a 404."""
    membership = outreach_membership_of(user)
    if membership is None:
        raise Http404
    return membership.organization


def outreach_membership_of(user: Any) -> Membership | None:
    """The coordinator's active membership that gives ``outreach.handle``."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_outreach_membership"):
        user._outreach_membership = (
            Membership.objects.filter(
                user=user, is_active=True, role__in=roles_with("outreach.handle")
            )
            .select_related("organization")
            .order_by("id")
            .first()
        )
    return user._outreach_membership  # type: ignore[no-any-return]


def handling_staff(organization_id: int) -> list[Any]:
    """The people who handle an agency's cases now: who is told of a sheet, a conference
    task, a case passed on. (Cancelling what they were told never asks this list again.)"""
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=organization_id,
            role__in=roles_with("cases.handle"),
            is_active=True,
        ).select_related("user")
    ]


def overseeing_city_staff() -> list[Any]:
    """City-department staff who oversee hand-overs: they hear of a sheet past its deadline."""
    return [
        m.user
        for m in Membership.objects.filter(
            role__in=roles_with("cases.oversee"),
            is_active=True,
            organization__kind=Organization.Kind.CITY_DEPARTMENT,
        ).select_related("user")
    ]


# ---------------------------------------------------------------------------------------------
# Consultations


def consultation_scope(user: Any, action: str = "view") -> QuerySet[Consultation]:
    """The agency's own consultations, until they are anonymised."""
    agency = agency_of(user)
    if agency is None:
        return Consultation.objects.none()
    return Consultation.objects.filter(agency=agency, anonymized_at__isnull=True)


def consultation_can(user: Any, action: str, consultation: Consultation) -> bool:
    """Intake, consent, closing and handing over are the owning agency's staff's. ``edit``
    (the person, troubles and household after intake) only while the case is open: a closed
    record is what the case ended as (decision 0022)."""
    agency = agency_of(user)
    if agency is None or agency.pk != consultation.agency_id:
        return False
    if action == "edit":
        return consultation.status == Consultation.Status.OPEN
    return True


C = Consultation.Status
CONSULTATION_STATES = StateMachine("consultation", {(C.OPEN, C.CLOSED): "close"})

CS = Consultation.ConsentStatus


def consent_event_kind(
    *,
    before_status: str,
    after_status: str,
    before: tuple[set[str], set[int], set[int], Any],
    after: tuple[set[str], set[int], set[int], Any],
) -> str:
    """What a recording of consent was, from the consent before and after it: each side is
    (fields, domain ids, agency ids, expiry). Given again with anything taken away (a field,
    a domain, an agency, an earlier or new expiry) is *narrowed*; with nothing taken away,
    *renewed*."""
    K = ConsentEvent.Kind
    if after_status != CS.GIVEN:
        return K.WITHDRAWN if before_status == CS.GIVEN else K.NOT_GIVEN
    if before_status != CS.GIVEN:
        return K.GIVEN
    removed = bool(before[0] - after[0] or before[1] - after[1] or before[2] - after[2])
    before_expiry, after_expiry = before[3], after[3]
    shortened = after_expiry is not None and (before_expiry is None or after_expiry < before_expiry)
    return K.NARROWED if removed or shortened else K.RENEWED


def consent_event_write(
    consultation: Consultation,
    frm: str,
    to: str,
    *,
    by: Any = None,
    kind: str,
    domains: Any = (),
    agencies: Any = (),
    at: Any = None,
) -> ConsentEvent:
    event = ConsentEvent.objects.create(
        consultation=consultation,
        kind=kind,
        status=to,
        method=consultation.consent_method if to == CS.GIVEN else "",
        fields=sorted(consultation.consent_fields or []) if to == CS.GIVEN else [],
        expires_on=consultation.consent_expires_on if to == CS.GIVEN else None,
        by=by,
        at=at or timezone.now(),
    )
    if to == CS.GIVEN:
        event.domains.set(domains)
        event.agencies.set(agencies)
    return event


# Consent is recorded anew each time (a renewal is given → given); every recording is the
# owning agency's. Each recording writes a ``ConsentEvent`` (given, renewed, narrowed,
# withdrawn, not given) — the consultation's history shows these, not field changes.
CONSENT_STATES = StateMachine(
    "consent",
    {(frm, to): "record" for frm in CS.values for to in CS.values},
    field="consent_status",
    history=consent_event_write,
)


# ---------------------------------------------------------------------------------------------
# Tsunagu sheets

S = SheetStatus


def _sheet_history(
    sheet: TsunaguSheet,
    frm: str,
    to: str,
    *,
    by: Any = None,
    agency: Organization | None = None,
    note: str = "",
    at: Any = None,
) -> None:
    SheetTransition.objects.create(
        sheet=sheet,
        from_status=frm,
        to_status=to,
        by=by,
        agency=agency,
        note=note,
        at=at or timezone.now(),
    )


# (from, to) → the side's action. The one table of the sheet's state machine.
SHEET_STATES = StateMachine(
    "sheet",
    {
        (S.DRAFT, S.SENT): "send",
        (S.DRAFT, S.WITHDRAWN): "send",
        (S.SENT, S.WITHDRAWN): "send",
        (S.SENT, S.RECEIVED): "accept",
        (S.SENT, S.DECLINED): "receive",
        (S.RECEIVED, S.FIRST_CONTACT): "receive",
        (S.RECEIVED, S.RETURNED): "receive",
        (S.FIRST_CONTACT, S.SUPPORTING): "receive",
        (S.FIRST_CONTACT, S.COMPLETED): "receive",
        (S.FIRST_CONTACT, S.RETURNED): "receive",
        (S.SUPPORTING, S.COMPLETED): "receive",
        (S.SUPPORTING, S.RETURNED): "receive",
    },
    history=_sheet_history,
)


# The reminders a sent sheet has while it waits to be received: the receiver's staff before
# the deadline, the city's overseers at it.
SHEET_DEADLINE_KIND = "consultations.sheet_deadline"
SHEET_ESCALATION_KIND = "consultations.sheet_escalation"


def sheet_waits_for_receipt(sheet_id: Any, *, today: Any = None) -> bool:
    """送付済み and the basis covering the receiver today (``shared_open_q``): the sheet the
    deadline reminders are about. A consent that has expired since sending ends it as surely
    as a move does, though nothing happens on the day it lapses."""
    return (
        TsunaguSheet.objects.filter(pk=sheet_id, status=S.SENT)
        .shared_open(today=today or timezone.localdate())
        .exists()
    )


def sheet_deadline_reminder_applies(reminder: Any) -> bool:
    """Asked by the reminders sender when a deadline reminder or escalation comes due: it goes
    out only while its sheet still waits for receipt, else it is cancelled."""
    return sheet_waits_for_receipt(reminder.object_id)


def reminder_checks() -> dict[str, Any]:
    """The consultations app's reminder kinds that can stop applying with time, and their
    checks (registered with the reminders app in ``ConsultationsConfig.ready``)."""
    return {
        SHEET_DEADLINE_KIND: sheet_deadline_reminder_applies,
        SHEET_ESCALATION_KIND: sheet_deadline_reminder_applies,
    }


def sheet_scope(
    user: Any, action: str = "view", *, base: TsunaguSheetQuerySet | None = None
) -> TsunaguSheetQuerySet:
    """Sheets the agency sent (any state) or received (once sent). ``base``: the sheets to
    narrow, as a page prepared them (what it selects and annotates); all sheets by default."""
    agency = agency_of(user)
    if agency is None:
        return (TsunaguSheet.objects.all() if base is None else base).none()
    return agency_sheets(agency, base=base)


def agency_sheets(
    agency: Organization | int, *, base: TsunaguSheetQuerySet | None = None
) -> TsunaguSheetQuerySet:
    """The rule of ``sheet_scope`` for an agency (or its id): the sheets it sent, in any
    state, and those it received, once sent. The sheet page compiles it once with the
    agency's id as a parameter (``machida_portal.statements``)."""
    sheets = TsunaguSheet.objects.all() if base is None else base
    return sheets.filter(Q(sender=agency) | (Q(receiver=agency) & ~Q(status=SheetStatus.DRAFT)))


def incoming_sheet_scope(user: Any) -> TsunaguSheetQuerySet:
    agency = agency_of(user)
    if agency is None:
        return TsunaguSheet.objects.none()
    return agency_incoming_sheets(agency)


def agency_incoming_sheets(agency: Organization | int) -> TsunaguSheetQuerySet:
    """The rule of ``incoming_sheet_scope`` for an agency (or its id): the sheets sent to it,
    never a draft. The inbox compiles it once with the agency's id as a parameter."""
    return TsunaguSheet.objects.filter(receiver=agency).exclude(status=SheetStatus.DRAFT)


def outgoing_sheet_scope(user: Any) -> TsunaguSheetQuerySet:
    agency = agency_of(user)
    if agency is None:
        return TsunaguSheet.objects.none()
    return TsunaguSheet.objects.filter(sender=agency)


def sheet_side(who: Any, sheet: TsunaguSheet) -> str:
    """ "sender", "receiver" or "" for an agency (or a person, through their agency)."""
    agency = who if isinstance(who, Organization) or who is None else agency_of(who)
    if agency is None:
        return ""
    if agency.pk == sheet.sender_id:
        return "sender"
    if agency.pk == sheet.receiver_id:
        return "receiver"
    return ""


def sheet_can(who: Any, action: str, sheet: TsunaguSheet, *, shared_open: bool = True) -> bool:
    """Whether an agency (or a person, through their agency) may take the sheet action.

    ``shared_open``: whether the basis still covers the receiver (``shared_open_q``); a sheet
    whose basis is gone cannot be accepted. ``"view_shared"`` — reading the handed-over
    fields — is the sender's always and the receiver's while the sheet is open to it."""
    side = sheet_side(who, sheet)
    if action == "send":
        return side == "sender"
    if action == "receive":
        return side == "receiver"
    if action == "accept":
        return side == "receiver" and shared_open
    if action == "view_shared":
        return side == "sender" or (side == "receiver" and shared_open)
    return False


def sheet_moves(sheet: TsunaguSheet, who: Any, *, shared_open: bool = True) -> list[str]:
    """The statuses the agency's side may move the sheet to now (the page's buttons)."""
    return SHEET_STATES.allowed(
        sheet.status, lambda action: sheet_can(who, action, sheet, shared_open=shared_open)
    )


# ---------------------------------------------------------------------------------------------
# Conferences


def conference_scope(user: Any, action: str = "view", *, today: Any = None) -> QuerySet[Conference]:
    """Conferences the agency takes part in. Medical institutions and NPOs (external
    participants) see a conference only until a limited time after it was held."""
    agency = agency_of(user)
    if agency is None:
        return Conference.objects.none()
    qs = Conference.objects.filter(participants=agency)
    if agency.kind != Organization.Kind.CONSULTATION_AGENCY:
        today = today or timezone.localdate()
        qs = qs.filter(held_on__gte=today - timedelta(days=conf.CONFERENCE_EXTERNAL_ACCESS_DAYS))
    return qs


def conference_can(user: Any, action: str, conference: Conference) -> bool:
    """Every participant adds tasks and unmet needs; the record (assessment, decision, review
    date) and the list of the cases are the convening agency's."""
    agency = agency_of(user)
    if agency is None:
        return False
    if action in ("record", "see_cases"):
        return agency.pk == conference.convened_by_id
    return action in ("add_task", "add_need")


# ---------------------------------------------------------------------------------------------
# Outreach


def outreach_scope(user: Any, action: str = "view") -> QuerySet[OutreachCase]:
    membership = outreach_membership_of(user)
    if membership is None:
        return OutreachCase.objects.none()
    return OutreachCase.objects.filter(organization=membership.organization).exclude(
        status=OutreachCase.Status.ANONYMIZED
    )


def outreach_can(user: Any, action: str, case: OutreachCase) -> bool:
    membership = outreach_membership_of(user)
    return membership is not None and membership.organization_id == case.organization_id


OS = OutreachCase.Status
# Anonymising after the retention period is one bulk update of every stale case (see
# ``outreach_anonymize_stale``); its moves are here so the table is the whole picture.
OUTREACH_STATES = StateMachine(
    "outreach",
    {
        (OS.ACTIVE, OS.CONVERTED): "convert",
        (OS.ACTIVE, OS.ANONYMIZED): SYSTEM,
        (OS.CLOSED, OS.ANONYMIZED): SYSTEM,
    },
)


# ---------------------------------------------------------------------------------------------
# The access log, oversight and hand-off


def oversight_sheet_scope(user: Any) -> QuerySet[TsunaguSheet]:
    """Every sheet, for the overdue board's counts (agencies, dates and states only, no
    person): the city's overseers; nobody else."""
    if can(user, "cases.oversee"):
        return TsunaguSheet.objects.all()
    return TsunaguSheet.objects.none()


def access_log_scope(user: Any) -> QuerySet[AccessLog]:
    """A supervisor reads who read or changed their agency's records, and what their own
    staff read elsewhere. Others read nothing."""
    membership = agency_membership_of(user)
    if membership is None or not membership.is_supervisor:
        return AccessLog.objects.none()
    agency = membership.organization
    return AccessLog.objects.filter(Q(agency=agency) | Q(owner_agency=agency))


def may_read_access_log(user: Any) -> bool:
    membership = agency_membership_of(user)
    return membership is not None and membership.is_supervisor


def trouble_idea_scope(user: Any, action: str = "hand_off") -> QuerySet[Any]:
    """困りごと still open for a coordinator to pass on (read from the projects app)."""
    from projects.selectors import trouble_ideas_to_hand_off

    qs = trouble_ideas_to_hand_off()
    return qs if can(user, "ideas.hand_off") else qs.none()
