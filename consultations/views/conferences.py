"""Multi-agency conferences: list, creation, the record, tasks and unmet needs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, object_in_scope, require
from machida_portal.posting import run_service

from .. import conf, policies, selectors, services
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
from .common import flash_form_errors


@capability_required("cases.handle")
def conference_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = policies.acting_agency(request.user)
    qs = policies.conference_scope(request.user)
    # ``?tasks=due``: only conferences with this agency's tasks due (the "today" page links
    # here), each with how many.
    tasks_due = request.GET.get("tasks") == "due"
    due = selectors.conference_tasks_due(request.user)
    if tasks_due:
        qs = qs.filter(pk__in=due.values("conference_id"))
    qs = qs.select_related("convened_by").order_by("-held_on", "-id")
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    if tasks_due:
        # How many of each shown conference's tasks are due: one grouped query per page.
        counts = dict(
            due.filter(conference__in=[c.pk for c in page])
            .values_list("conference_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        for c in page:
            c.due_tasks = counts.get(c.pk, 0)  # type: ignore[attr-defined]
    # Titles may name a family.
    services.access_log_list(
        user=request.user,
        agency=agency,
        shown=[(c, c.convened_by_id) for c in page],
    )
    return render(
        request,
        "consultations/conference_list.html",
        {"page_obj": page, "agency": agency, "tasks_due": tasks_due},
    )


@capability_required("cases.handle")
def conference_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = policies.acting_agency(request.user)
    cases = policies.consultation_scope(request.user).filter(status=Consultation.Status.OPEN)
    form = ConferenceForm(request.POST or None, agency=agency, cases=cases)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(
            request,
            lambda: services.conference_create(
                convened_by=agency,
                by=request.user,
                title=d["title"],
                held_on=d["held_on"],
                legal_basis=d["legal_basis"],
                agenda=d["agenda"],
                participants=list(d["participants"]),
                consultations=list(d["consultations"]),
            ),
            success=_("会議を登録しました。"),
            form=form,
        )
        if done.value is not None:
            return redirect("consultations:conference_detail", pk=done.value.pk)
    return render(request, "consultations/conference_form.html", {"form": form})


@login_required
def conference_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = object_in_scope(
        policies.conference_scope(request.user).select_related("convened_by"), pk
    )
    agency = policies.agency_of(request.user)
    services.access_log_write(
        user=request.user,
        agency=agency,
        owner_agency=conference.convened_by,
        action=AccessLog.Action.VIEW,
        obj=conference,
    )
    is_convener = policies.conference_can(request.user, "see_cases", conference)
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
            # Three forms on one page, two with a "description": an id prefix per form keeps
            # the ids unique while the field names (what the POST views read) stay put.
            "record_form": ConferenceRecordForm(instance=conference, auto_id="record_%s"),
            "task_form": ConferenceTaskForm(conference=conference, auto_id="task_%s"),
            "need_form": UnmetNeedForm(auto_id="need_%s"),
        },
    )


@login_required
@require_POST
def conference_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = object_in_scope(policies.conference_scope(request.user, "record"), pk)
    agency = policies.acting_agency(request.user)
    require(policies.conference_can(request.user, "record", conference))
    form = ConferenceRecordForm(request.POST, instance=Conference.objects.get(pk=conference.pk))
    if form.is_valid():
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.conference_record(
                conference=conference,
                by=request.user,
                agency=agency,
                assessment=d["assessment"],
                direction=d["direction"],
                decision=d["decision"],
                next_review_on=d["next_review_on"],
            ),
            success=_("会議の記録を保存しました。"),
        )
    else:
        flash_form_errors(request, form)
    return redirect("consultations:conference_detail", pk=pk)


@login_required
@require_POST
def conference_task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = object_in_scope(policies.conference_scope(request.user, "add_task"), pk)
    agency = policies.acting_agency(request.user)
    require(policies.conference_can(request.user, "add_task", conference))
    form = ConferenceTaskForm(request.POST, conference=conference)
    if form.is_valid():
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.conference_task_add(
                conference=conference,
                by=request.user,
                agency=agency,
                organization=d["organization"],
                description=d["description"],
                due_on=d["due_on"],
            ),
            success=_("役割を追加しました。"),
        )
    else:
        flash_form_errors(request, form)
    return redirect("consultations:conference_detail", pk=pk)


@login_required
@require_POST
def conference_need_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = object_in_scope(policies.conference_scope(request.user, "add_need"), pk)
    agency = policies.acting_agency(request.user)
    require(policies.conference_can(request.user, "add_need", conference))
    form = UnmetNeedForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.unmet_need_add(
                conference=conference,
                by=request.user,
                agency=agency,
                description=d["description"],
                domain=d["domain"],
                district=d["district"],
            ),
            success=_("足りない資源を記録しました。"),
        )
    else:
        messages.error(request, _("入力を確かめてください。"))
    return redirect("consultations:conference_detail", pk=pk)
