"""A welfare coordinator's outreach cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.roles import role_required
from directory.models import Role

from .. import conf, selectors, services
from ..forms import (
    OutreachAttemptForm,
    OutreachConvertForm,
    OutreachForm,
)
from ..models import (
    AccessLog,
)
from .common import _apply, _flash_form_errors, _messages_of


def _outreach_org_or_404(request: AuthenticatedHttpRequest) -> Any:
    membership = selectors.outreach_membership_of(request.user)
    if membership is None:
        raise Http404
    return membership.organization


@role_required(Role.WELFARE_COORDINATOR)
def outreach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = _outreach_org_or_404(request)
    qs = (
        selectors.outreach_visible_to(request.user)
        .select_related("district")
        .order_by("status", "next_contact_on", "id")
    )
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    # Household tags are not names, but the coordinator recognises the household by them.
    services.access_log_list(
        user=request.user,
        agency=organization,
        shown=[(c, c.organization_id) for c in page],
        path=request.get_full_path(),
    )
    return render(request, "consultations/outreach_list.html", {"page_obj": page})


@role_required(Role.WELFARE_COORDINATOR)
def outreach_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = _outreach_org_or_404(request)
    form = OutreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.outreach_create(
                organization=organization,
                by=request.user,
                district=d["district"],
                household_tag=d["household_tag"],
                source=d["source"],
                notes=d["notes"],
                rhythm_days=d["rhythm_days"],
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("見守りのケースを登録しました。"))
            return redirect("consultations:outreach_detail", pk=case.pk)
    return render(request, "consultations/outreach_form.html", {"form": form})


@login_required
def outreach_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        selectors.outreach_visible_to(request.user).select_related("district", "organization"),
        pk=pk,
    )
    services.access_log_write(
        user=request.user,
        agency=case.organization,
        owner_agency=case.organization,
        action=AccessLog.Action.VIEW,
        obj=case,
        path=request.get_full_path(),
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
    case = get_object_or_404(selectors.outreach_visible_to(request.user), pk=pk)
    form = OutreachAttemptForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _apply(
            request,
            lambda: services.outreach_attempt_add(
                case=case,
                by=request.user,
                on=d["on"],
                method=d["method"],
                reached=d["reached"],
                note=d["note"],
                path=request.get_full_path(),
            ),
            _("連絡の記録を追加しました。"),
        )
    else:
        _flash_form_errors(request, form)
    return redirect("consultations:outreach_detail", pk=pk)


@login_required
@require_POST
def outreach_convert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.outreach_visible_to(request.user), pk=pk)
    form = OutreachConvertForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _apply(
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
                path=request.get_full_path(),
            ),
            _("相談支援機関につなぎました。"),
        )
    else:
        messages.error(request, _("入力を確かめてください。"))
    return redirect("consultations:outreach_detail", pk=pk)
