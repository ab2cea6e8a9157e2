"""The agency's inbox and its consultations: intake, the record, consent, closing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, object_in_scope, require
from directory.choices import field_labels
from machida_portal.paging import WorkListPaginator, known_count, sum_tallies
from machida_portal.posting import run_service

from .. import conf, history, policies, selectors, services
from ..forms import (
    ConsentForm,
    ConsultationEditForm,
    ConsultationForm,
    HouseholdEditFormSet,
    HouseholdFormSet,
    InboxFilterForm,
)
from ..models import (
    AccessLog,
    Consultation,
    TsunaguSheet,
)


def _log_read(request: AuthenticatedHttpRequest, consultation: Consultation) -> None:
    """The owning agency's staff read the record (the case page, its history, the edit form)."""
    services.access_log_write(
        user=request.user,
        agency=consultation.agency,
        owner_agency=consultation.agency,
        action=AccessLog.Action.VIEW,
        obj=consultation,
    )


@capability_required("cases.handle")
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = policies.acting_agency(request.user)
    tab = request.GET.get("tab", "incoming")
    if tab not in ("incoming", "outgoing", "consultations"):
        tab = "incoming"
    form = InboxFilterForm(request.GET or None)
    filters = {"status": "", "urgency": "", "query": ""}
    late = ""
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "urgency": form.cleaned_data["urgency"],
            "query": form.cleaned_data["q"],
        }
        late = form.cleaned_data["late"]
    qs: Any
    if tab == "incoming":
        qs = selectors.incoming_list(request.user, **filters, late=late)
    elif tab == "outgoing":
        qs = selectors.outgoing_sheets(request.user, **filters, late=late).only(
            *selectors.SHEET_ROW_FIELDS
        )
    else:
        status = filters["status"] if filters["status"] in Consultation.Status.values else ""
        qs = selectors.agency_consultations(
            request.user, status=status, urgency=filters["urgency"], query=filters["query"]
        )
    counts = selectors.incoming_counts_by_state(request.user) if tab == "incoming" else []
    paginator = WorkListPaginator(qs, conf.PAGE_SIZE)
    if tab == "incoming" and not (filters["urgency"] or filters["query"] or late):
        # The counts by state are the list's total (or, with a state chosen, its count):
        # the list does not count the same sheets a second time.
        status = filters["status"]
        known_count(
            paginator, sum_tallies(c["n"] for c in counts if not status or c["status"] == status)
        )
    page = paginator.get_page(request.GET.get("page"))
    shown = list(page)  # the page keeps this list: the template does not query again
    if tab == "consultations":
        services.access_log_list(
            user=request.user,
            agency=agency,
            shown=[(c, c.agency_id) for c in shown],
        )
    elif filters["query"]:
        # Sheet lists show numbers only, but a name search tells whose sheet each one is.
        services.access_log_list(
            user=request.user,
            agency=agency,
            shown=[(s, s.sender_id) for s in shown],
        )
    return render(
        request,
        "consultations/inbox.html",
        {
            "agency": agency,
            "tab": tab,
            "form": form,
            "page_obj": page,
            "counts": counts,
            "chosen": {**filters, "late": late},
            "incoming": tab == "incoming",
            "statuses": field_labels(
                Consultation if tab == "consultations" else TsunaguSheet, "status"
            ),
            "urgencies": field_labels(TsunaguSheet, "urgency"),
            "sheet_label": _("つなぐシート #%(id)s"),
        },
    )


@capability_required("cases.handle")
def consultation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = policies.acting_agency(request.user)
    form = ConsultationForm(request.POST or None)
    household = HouseholdFormSet(request.POST or None, prefix="household")
    if request.method == "POST" and form.is_valid() and household.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("consent_domains", "consent_agencies")
        }
        rows = [
            services.HouseholdRow(
                relation=f["relation"], age=f.get("age"), notes=f.get("notes", "")
            )
            for f in household.cleaned_data
            if f and f.get("relation")
        ]
        done = run_service(
            request,
            lambda: services.consultation_create(
                agency=agency,
                by=request.user,
                data=data,
                consent_domains=list(form.cleaned_data["consent_domains"]),
                consent_agencies=list(form.cleaned_data["consent_agencies"]),
                household=rows,
            ),
            success=_("相談を受け付けました。"),
            form=form,
        )
        if done.value is not None:
            return redirect("consultations:consultation_detail", pk=done.value.pk)
    return render(
        request, "consultations/consultation_form.html", {"form": form, "household": household}
    )


@login_required
def consultation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = object_in_scope(
        policies.consultation_scope(request.user).select_related(
            "district", "consent_taken_by", "created_by"
        ),
        pk,
    )
    _log_read(request, consultation)
    duplicates = list(selectors.possible_duplicates(request.user, consultation))
    services.access_log_list(
        user=request.user,
        agency=consultation.agency,
        shown=[(d, d.agency_id) for d in duplicates],
    )
    entries, more_history = history.latest(consultation)
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "c": consultation,
            "can_edit": policies.consultation_can(request.user, "edit", consultation),
            "history_entries": entries,
            "more_history": more_history,
            "household": consultation.household.all(),
            "consent_domains": consultation.consent_domains.all(),
            "consent_agencies": consultation.consent_agencies.all(),
            "sheets": consultation.sheets.select_related("receiver").order_by("created_at"),
            "duplicates": duplicates,
            "resources": selectors.resources_for_troubles(
                consultation.troubles, consultation.district_id
            ),
        },
    )


@login_required
def consultation_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = object_in_scope(policies.consultation_scope(request.user, "consent"), pk)
    initial = {
        "consent_status": consultation.consent_status,
        "consent_method": consultation.consent_method,
        "consent_fields": consultation.consent_fields,
        "consent_domains": consultation.consent_domains.all(),
        "consent_agencies": consultation.consent_agencies.all(),
        "consent_expires_on": consultation.consent_expires_on,
    }
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_service(
            request,
            lambda: services.consultation_consent_update(
                consultation=consultation,
                by=request.user,
                status=d["consent_status"],
                method=d["consent_method"],
                fields=d["consent_fields"],
                domains=list(d["consent_domains"]),
                agencies=list(d["consent_agencies"]),
                expires_on=d["consent_expires_on"],
            ),
            success=_("同意の内容を記録しました。"),
            form=form,
        ):
            return redirect("consultations:consultation_detail", pk=pk)
    return render(request, "consultations/consent_form.html", {"form": form, "c": consultation})


@login_required
@require_POST
def consultation_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = object_in_scope(policies.consultation_scope(request.user, "close"), pk)
    run_service(
        request,
        lambda: services.consultation_close(consultation=consultation, by=request.user),
        success=_("相談を終結にしました。"),
    )
    return redirect("consultations:consultation_detail", pk=pk)


def _household_rows(formset: Any) -> list[services.HouseholdRow]:
    """The household as the edit page says it should be: a row ticked 「削除」 or with its
    relation cleared is left out (that member is removed)."""
    rows = []
    for data in formset.cleaned_data:
        if not data or data.get("DELETE") or not data.get("relation"):
            continue
        rows.append(
            services.HouseholdRow(
                relation=data["relation"],
                age=data.get("age"),
                notes=data.get("notes", ""),
                member_id=data.get("member"),
            )
        )
    return rows


@login_required
def consultation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct the person, the troubles and the household after intake (decision 0022)."""
    consultation = object_in_scope(
        policies.consultation_scope(request.user, "edit").select_related("district"), pk
    )
    require(policies.consultation_can(request.user, "edit", consultation))
    members = list(consultation.household.all())
    form = ConsultationEditForm(request.POST or None, instance=consultation)
    household = HouseholdEditFormSet(
        request.POST or None,
        prefix="household",
        initial=[
            {"member": m.pk, "relation": m.relation, "age": m.age, "notes": m.notes}
            for m in members
        ],
    )
    if request.method == "POST" and form.is_valid() and household.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        done = run_service(
            request,
            lambda: services.consultation_update(
                consultation=consultation,
                by=request.user,
                data=data,
                household=_household_rows(household),
            ),
            success=_("相談の内容を修正しました。変更は履歴に残ります。"),
            form=form,
        )
        if done:
            return redirect("consultations:consultation_detail", pk=pk)
    else:
        # Opening the form reads the record.
        _log_read(request, consultation)
    return render(
        request,
        "consultations/consultation_edit.html",
        {"form": form, "household": household, "c": consultation},
    )


@login_required
def consultation_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every change of the record, newest first, 20 a page; reading it is logged."""
    consultation = object_in_scope(policies.consultation_scope(request.user, "history"), pk)
    page = history.history_page(consultation, request.GET.get("page"))
    _log_read(request, consultation)
    return render(
        request,
        "consultations/consultation_history.html",
        {"c": consultation, "page_obj": page, "history_entries": page.object_list},
    )
