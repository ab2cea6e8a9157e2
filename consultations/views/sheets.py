"""Tsunagu sheets: drafting from a consultation, the sheet page, the sides' moves."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.policy import object_in_scope
from machida_portal.input_guard import parse_id
from machida_portal.posting import run_service
from machida_portal.statements import Compiled

from .. import policies, printing, services
from ..forms import (
    SheetForm,
    TransitionForm,
)
from ..models import (
    HANDOVER_STATES,
    AccessLog,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
    TsunaguSheetQuerySet,
)
from .common import flash_form_errors


@login_required
def sheet_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = object_in_scope(policies.consultation_scope(request.user, "hand_over"), pk)
    form = SheetForm(request.POST or None, agency=consultation.agency)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(
            request,
            lambda: services.sheet_create(
                consultation=consultation,
                receiver=d["receiver"],
                by=request.user,
                reason=d["reason"],
                shared_fields=d["shared_fields"],
                urgency=d["urgency"],
                legal_basis=d["legal_basis"],
                support_meeting_note=d["support_meeting_note"],
                preferred_contact=d["preferred_contact"],
                contact_times=d["contact_times"],
            ),
            success=_("つなぐシートを下書きに保存しました。内容を確かめて送ってください。"),
            form=form,
        )
        if done.value is not None:
            return redirect("consultations:sheet_detail", pk=done.value.pk)
    return render(request, "consultations/sheet_form.html", {"form": form, "c": consultation})


# What the sheet page reads (decision 0028): the sheet's own fields it shows, the
# consultation's fields ``sheet_shared_data`` may show (and the consent's fields it checks),
# the names of both agencies and the sender's phone (the call-back block). Not the rest of
# the consultation, nor the search documents. A field the page starts
# to show must be added here, or reading it costs a query of its own (the sheet page's query
# count tests catch it).
SHEET_PAGE_FIELDS = (
    "consultation",
    "sender",
    "receiver",
    "created_by",
    "status",
    "legal_basis",
    "support_meeting_note",
    "shared_fields",
    "reason",
    "urgency",
    "preferred_contact",
    "contact_times",
    "sent_at",
    "deadline_at",
    "first_contact_on",
    "first_contact_method",
    "days_to_first_contact",
    "report_back",
    "decline_reason",
    "return_reason",
    "consultation__person_name",
    "consultation__person_kana",
    "consultation__birth_date",
    "consultation__district",
    "consultation__phone",
    "consultation__troubles",
    "consultation__narrative",
    "consultation__consent_fields",
    "consultation__district__name_ja",
    "consultation__district__name_en",
    "sender__name",
    "sender__phone",
    "receiver__name",
)
# Who drafted a draft, as the call-back block names them (``User.get_full_name``).
DRAFTER_FIELDS = ("display_name", "full_name", "email")
# A step of the history as the page and the call-back block show it.
SHEET_HISTORY_FIELDS = (
    "sheet",
    "from_status",
    "to_status",
    "by",
    "agency",
    "note",
    "at",
    "by__display_name",
    "by__full_name",
    "by__email",
    "agency__name",
)


def _sheet_page(agency: int, pk: int, today: date) -> TsunaguSheetQuerySet:
    """The sheet page's read: the sheet ``pk`` if the agency may see it (``policies.
    agency_sheets``), with the columns the page shows and whether it is open to its receiver
    ``today``."""
    sheets = (
        TsunaguSheet.objects.with_shared_open(today=today)
        .select_related("sender", "receiver", "consultation", "consultation__district")
        .only(*SHEET_PAGE_FIELDS)
    )
    return policies.agency_sheets(agency, base=sheets).filter(pk=pk)


def _sheet_history(sheet: int) -> QuerySet[SheetTransition]:
    """The sheet's history in one plain query (a prefetch sets up a related manager first)."""
    return (
        SheetTransition.objects.filter(sheet_id=sheet)
        .select_related("by", "agency")
        .only(*SHEET_HISTORY_FIELDS)
        .order_by("at", "id")
    )


# Read on every view of a sheet: compiled to SQL once per process (and day), decision 0031.
SHEET_PAGE: Compiled[TsunaguSheet] = Compiled(_sheet_page, "agency", "pk", keyed=("today",))
SHEET_HISTORY: Compiled[SheetTransition] = Compiled(_sheet_history, "sheet")


@login_required
def sheet_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = policies.agency_of(request.user)
    number = parse_id(str(pk))
    found = (
        SHEET_PAGE.one(agency=agency.pk, pk=number, today=timezone.localdate())
        if agency is not None and number is not None
        else None
    )
    if found is None:
        raise Http404
    sheet = found
    history: list[SheetTransition]
    if sheet.status == SheetStatus.DRAFT:
        # A draft has no history: no move leads back to one (``SHEET_STATES``; a test keeps
        # it so). The call-back block names who drafted it, read here rather than joined into
        # the query of every sheet, whose sender is the one who sent it (``sheet_callback``).
        history = []
        if sheet.created_by_id is not None:
            drafter = User.objects.only(*DRAFTER_FIELDS).filter(pk=sheet.created_by_id).first()
            if drafter is not None:
                sheet.created_by = drafter
    else:
        history = SHEET_HISTORY.list(sheet=sheet.pk)
    # The household is read only when the sheet shows it (``sheet_shared_data``).
    is_sender = policies.sheet_side(agency, sheet) == "sender"
    shared_open: bool = sheet.shared_open  # type: ignore[attr-defined]
    # The sender reads its own record; the receiver only while the sheet is open to it.
    show_shared = policies.sheet_can(agency, "view_shared", sheet, shared_open=shared_open)
    services.access_log_write(
        user=request.user,
        agency=agency,
        owner_agency=sheet.sender,
        action=AccessLog.Action.VIEW,
        obj=sheet,
    )
    return render(
        request,
        "consultations/sheet_detail.html",
        {
            "sheet": sheet,
            "is_sender": is_sender,
            # The receiver's page gets the shared fields only, never the consultation itself,
            # and nothing of the person once the sheet is closed to it.
            "show_shared": show_shared,
            "shared": (
                services.sheet_shared_data(sheet, for_sender=is_sender) if show_shared else []
            ),
            "shared_open": shared_open,
            "handing_over": sheet.status in HANDOVER_STATES,
            "consultation_id": sheet.consultation_id if is_sender else None,
            "moves": policies.sheet_moves(sheet, agency, shared_open=shared_open),
            "history": history,
            "S": SheetStatus,
            "contact_methods": TsunaguSheet.ContactMethod.choices,
            # Whom the receiver calls back (the sender's phone and staff): issue 13.
            "callback": printing.sheet_callback(sheet, history=history),
        },
    )


@login_required
@require_POST
def sheet_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = object_in_scope(policies.sheet_scope(request.user, "move"), pk)
    agency = policies.agency_of(request.user)
    form = TransitionForm(request.POST)
    if agency is None:
        messages.error(request, _("入力を確かめてください。"))
        return redirect("consultations:sheet_detail", pk=pk)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("consultations:sheet_detail", pk=pk)
    d = form.cleaned_data
    run_service(
        request,
        lambda: services.sheet_transition(
            sheet_id=sheet.pk,
            to=d["to"],
            by=request.user,
            agency=agency,
            note=d["note"],
            contact_on=d["contact_on"],
            contact_method=d["contact_method"],
        ),
        success=_("つなぐシートの状態を更新しました。"),
    )
    return redirect("consultations:sheet_detail", pk=pk)
