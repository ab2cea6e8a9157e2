"""Pages without personal data for the city and for supervisors: overdue hand-overs,
missing resources, the agency's access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.http import AuthenticatedHttpRequest
from accounts.roles import role_required
from directory.models import Role

from .. import conf, selectors


@role_required(Role.CITY_STAFF, Role.ADMIN)
def overdue_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Paginator needs only count() and slicing (Django documents "any sliceable object with a
    # count() method"); the stubs ask for a whole sequence.
    board: Any = selectors.overdue_board()
    page = Paginator(board, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/overdue_board.html", {"page_obj": page})


@role_required(Role.CONSULTATION_STAFF)
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = selectors.agency_membership_of(request.user)
    if membership is None or not membership.is_supervisor:
        raise PermissionDenied
    page = Paginator(selectors.access_log_for_supervisor(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/access_log.html",
        {"page_obj": page, "agency": membership.organization},
    )


@role_required(Role.CITY_STAFF, Role.ADMIN)
def missing_resources(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.missing_resources_report(), 50).get_page(request.GET.get("page"))
    return render(request, "consultations/missing_resources.html", {"page_obj": page})
