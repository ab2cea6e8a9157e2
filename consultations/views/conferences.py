"""Multi-agency conferences: list, creation, the record, tasks and unmet needs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.roles import role_required
from directory.models import Role

from .. import conf, selectors, services
from ..forms import (
    ConferenceForm,
    ConferenceRecordForm,
    ConferenceTaskForm,
    UnmetNeedForm,
)
from ..models import (
    AccessLog,
    Conference,
    Consultation,
)
from .common import _agency_or_404, _apply, _flash_form_errors, _messages_of


@role_required(Role.CONSULTATION_STAFF)
def conference_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency_or_404(request)
    qs = (
        selectors.conferences_visible_to(request.user)
        .select_related("convened_by")
        .order_by("-held_on", "-id")
    )
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    # Titles may name a family.
    services.access_log_list(
        user=request.user,
        agency=agency,
        shown=[(c, c.convened_by_id) for c in page],
        path=request.get_full_path(),
    )
    return render(
        request, "consultations/conference_list.html", {"page_obj": page, "agency": agency}
    )


@role_required(Role.CONSULTATION_STAFF)
def conference_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency_or_404(request)
    cases = selectors.consultations_visible_to(request.user).filter(status=Consultation.Status.OPEN)
    form = ConferenceForm(request.POST or None, agency=agency, cases=cases)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            conference = services.conference_create(
                convened_by=agency,
                by=request.user,
                title=d["title"],
                held_on=d["held_on"],
                legal_basis=d["legal_basis"],
                agenda=d["agenda"],
                participants=list(d["participants"]),
                consultations=list(d["consultations"]),
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("会議を登録しました。"))
            return redirect("consultations:conference_detail", pk=conference.pk)
    return render(request, "consultations/conference_form.html", {"form": form})


def _conference_for(request: AuthenticatedHttpRequest, pk: int) -> Conference:
    return get_object_or_404(
        selectors.conferences_visible_to(request.user).select_related("convened_by"), pk=pk
    )


@login_required
def conference_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = selectors.agency_of(request.user)
    services.access_log_write(
        user=request.user,
        agency=agency,
        owner_agency=conference.convened_by,
        action=AccessLog.Action.VIEW,
        obj=conference,
        path=request.get_full_path(),
    )
    is_convener = agency is not None and agency.pk == conference.convened_by_id
    return render(
        request,
        "consultations/conference_detail.html",
        {
            "conference": conference,
            "is_convener": is_convener,
            "participants": conference.participants.all(),
            # Only the convening agency's own cases are linked; others see the count.
            "cases": conference.consultations.all() if is_convener else None,
            "case_count": conference.consultations.count(),
            "tasks": conference.tasks.select_related("organization"),
            "needs": conference.unmet_needs.select_related("domain", "district"),
            "record_form": ConferenceRecordForm(instance=conference),
            "task_form": ConferenceTaskForm(conference=conference),
            "need_form": UnmetNeedForm(),
        },
    )


@login_required
@require_POST
def conference_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = _agency_or_404(request)
    if agency.pk != conference.convened_by_id:
        raise PermissionDenied
    form = ConferenceRecordForm(request.POST, instance=Conference.objects.get(pk=conference.pk))
    if form.is_valid():
        d = form.cleaned_data
        _apply(
            request,
            lambda: services.conference_record(
                conference=conference,
                by=request.user,
                agency=agency,
                assessment=d["assessment"],
                direction=d["direction"],
                decision=d["decision"],
                next_review_on=d["next_review_on"],
                path=request.get_full_path(),
            ),
            _("会議の記録を保存しました。"),
        )
    else:
        _flash_form_errors(request, form)
    return redirect("consultations:conference_detail", pk=pk)


@login_required
@require_POST
def conference_task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = _agency_or_404(request)
    form = ConferenceTaskForm(request.POST, conference=conference)
    if form.is_valid():
        d = form.cleaned_data
        _apply(
            request,
            lambda: services.conference_task_add(
                conference=conference,
                by=request.user,
                agency=agency,
                organization=d["organization"],
                description=d["description"],
                due_on=d["due_on"],
                path=request.get_full_path(),
            ),
            _("役割を追加しました。"),
        )
    else:
        _flash_form_errors(request, form)
    return redirect("consultations:conference_detail", pk=pk)


@login_required
@require_POST
def conference_need_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = _agency_or_404(request)
    form = UnmetNeedForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        services.unmet_need_add(
            conference=conference,
            by=request.user,
            agency=agency,
            description=d["description"],
            domain=d["domain"],
            district=d["district"],
            path=request.get_full_path(),
        )
        messages.success(request, _("足りない資源を記録しました。"))
    else:
        messages.error(request, _("入力を確かめてください。"))
    return redirect("consultations:conference_detail", pk=pk)
