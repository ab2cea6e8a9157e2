"""Paper: the tsunagu sheet and the consent form, as a print view and a PDF (decision 0021).

Reached through the same scopes as the sheet and consultation pages (another agency's record
is a 404), and every print view or PDF is an access-log row (``AccessLog.Action.PRINT``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import object_in_scope

from .. import policies, printing, services
from ..models import AccessLog, SheetTransition


@login_required
def sheet_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _sheet(request, pk, as_pdf=False)


@login_required
def sheet_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _sheet(request, pk, as_pdf=True)


@login_required
def consent_form_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _consent_form(request, pk, as_pdf=False)


@login_required
def consent_form_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _consent_form(request, pk, as_pdf=True)


def _sheet(request: AuthenticatedHttpRequest, pk: int, *, as_pdf: bool) -> HttpResponse:
    agency = policies.agency_of(request.user)
    sheet = object_in_scope(
        policies.sheet_scope(request.user, "print")
        .with_shared_open(today=timezone.localdate())
        .select_related(
            "sender", "receiver", "created_by", "consultation", "consultation__district"
        )
        .prefetch_related(
            "consultation__household",
            Prefetch("history", queryset=SheetTransition.objects.select_related("by")),
        ),
        pk,
    )
    shared_open: bool = sheet.shared_open  # type: ignore[attr-defined]
    show_shared = policies.sheet_can(agency, "view_shared", sheet, shared_open=shared_open)
    services.access_log_write(
        user=request.user,
        agency=agency,
        owner_agency=sheet.sender,
        action=AccessLog.Action.PRINT,
        obj=sheet,
    )
    context = {
        **printing.sheet_document(sheet, show_shared=show_shared),
        **_printed(request),
        "back_url": reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk}),
        "pdf_url": reverse("consultations:sheet_pdf", kwargs={"pk": sheet.pk}),
    }
    return printing.render_document(
        request,
        "consultations/print_sheet.html",
        context,
        as_pdf=as_pdf,
        filename=f"tsunagu-sheet-{sheet.pk}.pdf",
    )


def _consent_form(request: AuthenticatedHttpRequest, pk: int, *, as_pdf: bool) -> HttpResponse:
    consultation = object_in_scope(
        policies.consultation_scope(request.user, "print")
        .select_related("agency")
        .prefetch_related("consent_domains", "consent_agencies"),
        pk,
    )
    services.access_log_write(
        user=request.user,
        agency=consultation.agency,
        owner_agency=consultation.agency,
        action=AccessLog.Action.PRINT,
        obj=consultation,
    )
    context = {
        **printing.consent_document(consultation),
        **_printed(request),
        "back_url": reverse("consultations:consultation_detail", kwargs={"pk": consultation.pk}),
        "pdf_url": reverse("consultations:consent_form_pdf", kwargs={"pk": consultation.pk}),
    }
    return printing.render_document(
        request,
        "consultations/print_consent.html",
        context,
        as_pdf=as_pdf,
        filename=f"consent-form-{consultation.pk}.pdf",
    )


def _printed(request: AuthenticatedHttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "printed_at": timezone.localtime(),
        "printed_by": user.display_name or user.get_full_name(),
    }
