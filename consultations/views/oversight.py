"""Pages without personal data for the city and for supervisors: overdue hand-overs,
missing resources, the agency's access log."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, require

from .. import conf, policies, selectors


@capability_required("cases.oversee")
def overdue_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Paginator needs only count() and slicing (Django documents "any sliceable object with a
    # count() method"); the stubs ask for a whole sequence.
    board: Any = selectors.overdue_board()
    page = Paginator(board, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/overdue_board.html", {"page_obj": page})


@capability_required("cases.handle")
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(policies.may_read_access_log(request.user))
    page = Paginator(selectors.access_log_for_supervisor(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/access_log.html",
        {"page_obj": page, "agency": policies.agency_of(request.user)},
    )


@capability_required("cases.oversee")
def missing_resources(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.missing_resources_report(), 50).get_page(request.GET.get("page"))
    return render(request, "consultations/missing_resources.html", {"page_obj": page})
