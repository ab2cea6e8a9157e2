"""A welfare coordinator's outreach cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, object_in_scope, require
from machida_portal.posting import run_service

from .. import conf, policies, selectors, services
from ..forms import (
    OutreachAttemptForm,
    OutreachConvertForm,
    OutreachForm,
)
from ..models import (
    AccessLog,
)
from .common import flash_form_errors


@capability_required("outreach.handle")
def outreach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = policies.acting_outreach_organization(request.user)
    # ``?due=1``: only the cases whose next contact is due (the "today" page links here).
    due = request.GET.get("due") == "1"
    qs = selectors.outreach_due(request.user) if due else policies.outreach_scope(request.user)
    qs = qs.select_related("district").order_by("status", "next_contact_on", "id")
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    # Household tags are not names, but the coordinator recognises the household by them.
    services.access_log_list(
        user=request.user,
        agency=organization,
        shown=[(c, c.organization_id) for c in page],
    )
    return render(request, "consultations/outreach_list.html", {"page_obj": page, "due": due})


@capability_required("outreach.handle")
def outreach_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = policies.acting_outreach_organization(request.user)
    form = OutreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(
            request,
            lambda: services.outreach_create(
                organization=organization,
                by=request.user,
                district=d["district"],
                household_tag=d["household_tag"],
                source=d["source"],
                notes=d["notes"],
                rhythm_days=d["rhythm_days"],
            ),
            success=_("見守りのケースを登録しました。"),
            form=form,
        )
        if done.value is not None:
            return redirect("consultations:outreach_detail", pk=done.value.pk)
    return render(request, "consultations/outreach_form.html", {"form": form})


@login_required
def outreach_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = object_in_scope(
        policies.outreach_scope(request.user).select_related("district", "organization"), pk
    )
    services.access_log_write(
        user=request.user,
        agency=case.organization,
        owner_agency=case.organization,
        action=AccessLog.Action.VIEW,
        obj=case,
    )
    return render(
        request,
        "consultations/outreach_detail.html",
        {
            "case": case,
            "attempts": case.attempts.select_related("by"),
            "attempt_form": OutreachAttemptForm(),
            "convert_form": OutreachConvertForm(),
        },
    )


@login_required
@require_POST
def outreach_attempt_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = object_in_scope(policies.outreach_scope(request.user, "record"), pk)
    form = OutreachAttemptForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.outreach_attempt_add(
                case=case,
                by=request.user,
                on=d["on"],
                method=d["method"],
                reached=d["reached"],
                note=d["note"],
            ),
            success=_("連絡の記録を追加しました。"),
        )
    else:
        flash_form_errors(request, form)
    return redirect("consultations:outreach_detail", pk=pk)


@login_required
@require_POST
def outreach_convert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = object_in_scope(policies.outreach_scope(request.user, "convert"), pk)
    require(policies.outreach_can(request.user, "convert", case))
    form = OutreachConvertForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.outreach_convert(
                case=case,
                by=request.user,
                agency=d["agency"],
                person_name=d["person_name"],
                person_kana=d["person_kana"],
                phone=d["phone"],
                troubles=d["troubles"],
                narrative=d["narrative"],
                consent_method=d["consent_method"],
            ),
            success=_("相談支援機関につなぎました。"),
        )
    else:
        messages.error(request, _("入力を確かめてください。"))
    return redirect("consultations:outreach_detail", pk=pk)
