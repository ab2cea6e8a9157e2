"""Pages without personal data for the city and for supervisors: overdue hand-overs and their
per-agency summary, missing resources, the agency's access log."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, require
from directory.fiscal import current_fiscal_year
from machida_portal.paging import WorkListPaginator

from .. import conf, oversight, policies, selectors
from ..forms import SummaryPeriodForm


@capability_required("cases.oversee")
def overdue_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Paginator needs only count() and slicing (Django documents "any sliceable object with a
    # count() method"); the stubs ask for a whole sequence.
    board: Any = selectors.overdue_board(sort=request.GET.get("sort", ""))
    page = WorkListPaginator(board, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/overdue_board.html",
        {
            "page_obj": page,
            "sort": board.sort,
            "sorts": [(key, s.label) for key, s in selectors.BOARD_SORTS.items()],
            "stale_days": conf.SHEET_STALE_DAYS,
            "year_end_closed": conf.YEAR_END_CLOSED,
        },
    )


def _summary(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    form = SummaryPeriodForm(request.GET or None, current_year=current_fiscal_year())
    year, month = form.chosen()
    if month:
        period = oversight.month_period(year + (month < 4), month)
        label = date_format(period.first, "YEAR_MONTH_FORMAT")
    else:
        period = oversight.fiscal_year_period(year)
        label = _("%(year)s年度") % {"year": year}
    rows = oversight.agency_summary(period)
    return {
        "form": form,
        "period": period,
        "period_label": label,
        "rows": rows,
        "total": oversight.summary_totals(rows),
        "stale_days": conf.SHEET_STALE_DAYS,
    }


@capability_required("cases.oversee")
def overdue_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _summary(request)
    status = 400 if context["form"].errors else 200
    return render(request, "consultations/overdue_summary.html", context, status=status)


@capability_required("cases.oversee")
def overdue_summary_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The summary for the monthly meeting: agencies' names and figures only (no sheet numbers,
    no person), described by ``consultations/schemas/overdue-summary.schema.json``."""
    context = _summary(request)
    if context["form"].errors:
        return render(request, "consultations/overdue_summary.html", context, status=400)
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Japanese correctly only with a BOM
    writer = csv.DictWriter(out, fieldnames=oversight.CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(oversight.csv_rows(context["period"], context["rows"]))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    period = context["period"]
    response["Content-Disposition"] = (
        f'attachment; filename="tsunagu-summary-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"'
    )
    return response


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
