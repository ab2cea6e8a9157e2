from __future__ import annotations

import csv
import io
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, object_in_scope
from directory.fiscal import fiscal_year_of
from directory.models import District
from machida_portal.input_guard import NUL

from . import conf
from .datapackage import json_schema, package
from .exports import (
    LG_CODE,
    ExportTable,
    district_rows,
    export_document,
    export_rows,
    standard_rows,
)
from .forms import ComputeForm, ConfirmImportForm, ImportForm, IndicatorForm, MeasurementForm
from .models import Indicator, IndicatorCode, Measurement, MeasurementChange
from .policies import indicator_scope, indicators_can_edit, measurement_scope
from .selectors import indicator_views
from .services import (
    CSV_COLUMNS,
    indicator_update,
    indicators_compute,
    measurement_record,
    measurement_transition,
    measurements_publish,
    survey_import,
    survey_import_preview,
)

editor_required = capability_required("kpis.edit")


def _current_plan_year() -> int:
    first, last = conf.PLAN_FIRST_FISCAL_YEAR, conf.PLAN_LAST_FISCAL_YEAR
    return min(max(fiscal_year_of(timezone.now()), first), last)


class _OverviewData:
    """The overview's rows, computed on first use: the template caches them as a fragment,
    so a page served from the cache never computes them."""

    def __init__(self, user: Any, focus: District | None) -> None:
        self.user = user
        self.focus = focus

    @cached_property
    def views(self) -> list[Any]:
        return indicator_views(self.user, focus=self.focus, with_charts=False, city_only=True)

    @cached_property
    def plan_views(self) -> list[Any]:
        return [v for v in self.views if v.indicator.kind == Indicator.Kind.PLAN]

    @cached_property
    def operational_views(self) -> list[Any]:
        return [v for v in self.views if v.indicator.kind == Indicator.Kind.OPERATIONAL]

    @cached_property
    def groups(self) -> list[tuple[str, list[Any], str]]:
        return [
            (_("計画の指標"), self.plan_views, "plan"),
            (_("運用の指標（ポータルのデータから算出）"), self.operational_views, "operational"),
        ]

    @cached_property
    def any_demo(self) -> bool:
        return any(v.has_demo for v in self.views)


def dashboard(request: HttpRequest) -> HttpResponse:
    """The overview: one row per indicator. Everyone sees published values; editors see
    drafts too and their tools. Editors all see the same values and so do all others, so
    the cached fragment is shared within each group; a change to any indicator data makes
    it stale (indicators.apps)."""
    districts = list(District.objects.filter(is_active=True))
    code = request.GET.get("district", "")
    focus = next((d for d in districts if d.code == code), None)
    year = _current_plan_year()
    can_edit = indicators_can_edit(request.user)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "data": _OverviewData(request.user, focus),
            "compute_form": ComputeForm(initial={"fiscal_year": year}) if can_edit else None,
            "plan_year": year,
            "districts": districts,
            "focus": focus,
            "can_edit": can_edit,
        },
    )


def _indicator(user: Any, code: str, action: str = "view") -> Indicator:
    if NUL in code:  # PostgreSQL refuses it in a lookup; no code holds one
        raise Http404
    return object_in_scope(indicator_scope(user, action), code=code)


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator: its definition, series, chart and districts for everyone (published
    values); every value with its history and the edit links for editors. A former code
    redirects to the indicator's code."""
    try:
        indicator = _indicator(request.user, code)
    except Http404:
        if NUL in code:  # PostgreSQL refuses it in a lookup too
            raise
        former = IndicatorCode.objects.filter(code=code).select_related("indicator").first()
        if former is None:
            raise
        return redirect("indicators:indicator_detail", code=former.indicator.code, permanent=True)
    (view,) = indicator_views(request.user, indicators=Indicator.objects.filter(pk=indicator.pk))
    can_edit = indicators_can_edit(request.user)
    if not can_edit:
        return render(
            request,
            "indicators/indicator_detail.html",
            {
                "view": view,
                "indicator": indicator,
                "can_edit": False,
                "codes": _codes(indicator),
            },
        )
    series = indicator.series
    rows = (
        measurement_scope(request.user)
        .filter(indicator=series)
        .select_related("district", "updated_by")
        .prefetch_related(
            Prefetch("changes", queryset=MeasurementChange.objects.select_related("by"))
        )
        .order_by("-fiscal_year", "district__order", "district_id")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "view": view,
            "indicator": indicator,
            "page_obj": page,
            "draft_count": series.measurements.filter(status=Measurement.Status.DRAFT).count(),
            "can_edit": True,
            "codes": _codes(indicator),
        },
    )


def _codes(indicator: Indicator) -> dict[str, list[str]]:
    """The other codes an indicator answers to: former codes (old links redirect) and the
    definitions that show the same series."""
    series = indicator.series
    return {
        "former": sorted(c.code for c in indicator.former_codes.all()),
        "same_series": sorted(
            {series.code, *(a.code for a in series.aliases.all())} - {indicator.code}
        ),
    }


@editor_required
def indicator_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(request.user, code, "edit")
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in IndicatorForm.Meta.fields}
        try:
            indicator_update(
                indicator=indicator, fields=fields, targets=form.cleaned_data["targets_text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("指標の定義を保存しました。"))
            return redirect("indicators:indicator_detail", code=indicator.code)
    return render(request, "indicators/indicator_form.html", {"form": form, "indicator": indicator})


@editor_required
def measurement_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(request.user, code, "edit")
    form = MeasurementForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement_record(
                indicator=indicator,
                fiscal_year=data["fiscal_year"],
                district=data["district"],
                value=data["value"],
                sample_size=data["sample_size"],
                numerator=data["numerator"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("値を保存しました（下書き）。"))
            return redirect("indicators:indicator_detail", code=indicator.code)
    return render(
        request, "indicators/measurement_form.html", {"form": form, "indicator": indicator}
    )


@editor_required
def measurement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measurement = object_in_scope(
        measurement_scope(request.user, "edit").select_related("indicator", "district"), pk
    )
    indicator = measurement.indicator
    form = MeasurementForm(
        request.POST or None,
        indicator=indicator,
        fixed=measurement,
        initial={
            "value": measurement.value,
            "sample_size": measurement.sample_size,
            "numerator": measurement.numerator,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement_record(
                indicator=indicator,
                fiscal_year=measurement.fiscal_year,
                district=measurement.district,
                value=data["value"],
                sample_size=data["sample_size"],
                numerator=data["numerator"],
                reason=data["reason"],
                source=measurement.source,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("値を訂正しました。変更履歴に残ります。"))
            return redirect("indicators:indicator_detail", code=indicator.code)
    return render(
        request,
        "indicators/measurement_form.html",
        {"form": form, "indicator": indicator, "measurement": measurement},
    )


@require_POST
@editor_required
def measurement_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    to = request.POST.get("to", "")
    action = "publish" if to == Measurement.Status.PUBLISHED else "withdraw"
    measurement = object_in_scope(
        measurement_scope(request.user, action).select_related("indicator"), pk
    )
    try:
        measurement_transition(measurement=measurement, to=to, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("公開しました。")
            if to == Measurement.Status.PUBLISHED
            else _("下書きに戻しました。"),
        )
    return redirect("indicators:indicator_detail", code=measurement.indicator.code)


@require_POST
@editor_required
def indicator_publish(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(request.user, code, "edit")
    count = measurements_publish(indicator=indicator, by=request.user)
    messages.success(request, _("%(n)s件の値を公開しました。") % {"n": count})
    return redirect("indicators:indicator_detail", code=indicator.code)


@editor_required
def survey_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"columns": CSV_COLUMNS}
    if request.method == "POST" and "confirm" in request.POST:
        confirm = ConfirmImportForm(request.POST)
        if confirm.is_valid():
            result = survey_import(text=confirm.cleaned_data["csv"], by=request.user)
            if result.ok:
                messages.success(
                    request,
                    _("%(n)s行を取り込みました（下書き）。内容を確かめて公開してください。")
                    % {"n": len(result.rows)},
                )
                return redirect("indicators:dashboard")
            context.update(preview=result, confirm_form=confirm)
        context["form"] = ImportForm()
        return render(request, "indicators/import.html", context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        preview = survey_import_preview(form.cleaned_data["csv"])
        context["preview"] = preview
        if preview.ok:
            context["confirm_form"] = ConfirmImportForm(initial={"csv": form.cleaned_data["csv"]})
    context["form"] = form
    return render(request, "indicators/import.html", context)


@require_POST
@editor_required
def compute(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect("indicators:dashboard")
    result = indicators_compute(fiscal_year=form.cleaned_data["fiscal_year"], by=request.user)
    messages.success(
        request,
        _("%(year)s年度の値を%(n)s件集計しました（下書き）。")
        % {"year": result.fiscal_year, "n": result.stored},
    )
    if result.skipped:
        messages.warning(
            request,
            _("集計できなかった指標：%(codes)s")
            % {"codes": ", ".join(sorted(set(result.skipped)))},
        )
    return redirect("indicators:dashboard")


# --- public ------------------------------------------------------------------------------


def open_data(request: HttpRequest) -> HttpResponse:
    views = [
        v
        for v in indicator_views(request.user, published_only=True, with_charts=False)
        if v.city or v.district_year
    ]
    # The as-of time: the latest publication among the values shown (suppressed cells are
    # not shown, so they do not count), as in the exports.
    shown = [
        cell.measurement.published_at
        for v in views
        for cell in [*v.city, *(c for cells in v.by_district.values() for c in cells.values())]
        if not cell.suppressed and cell.measurement.published_at
    ]
    as_of = max(shown, default=None)
    return render(
        request,
        "indicators/open_data.html",
        {
            "views": views,
            "can_edit": indicators_can_edit(request.user),
            "license": conf.OPEN_DATA_LICENSE,
            "as_of": as_of,
        },
    )


def _safe_cell(value: Any) -> Any:
    # Spreadsheets run a cell that starts with = + - @ (or a tab/CR) as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _links(request: HttpRequest) -> dict[str, str]:
    """Absolute URLs of the open-data files, for the metadata and the data package."""
    names = {
        "page": "indicators:open_data",
        "csv": "indicators:export_csv",
        "standard_csv": "indicators:export_standard_csv",
        "district_codes": "indicators:district_codes_csv",
        "json": "indicators:export_json",
        "json_schema": "indicators:export_json_schema",
        "datapackage": "indicators:datapackage",
    }
    return {key: request.build_absolute_uri(reverse(name)) for key, name in names.items()}


def _open(response: HttpResponse) -> HttpResponse:
    # Open data: published figures only, so any site may fetch them.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _csv_response(table: ExportTable, filename: str) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Japanese correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_safe_cell(row[c]) for c in table.columns])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _open(response)


def _json_response(data: dict[str, Any], content_type: str = "application/json") -> HttpResponse:
    return _open(
        JsonResponse(
            data,
            content_type=content_type,
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
    )


def export_csv(request: HttpRequest) -> HttpResponse:
    return _csv_response(export_rows(), "machida-indicators.csv")


def export_standard_csv(request: HttpRequest) -> HttpResponse:
    """The 自治体標準オープンデータセット-style CSV (file named by the city's code)."""
    return _csv_response(standard_rows(), f"{LG_CODE}_welfare_plan_indicators.csv")


def district_codes_csv(request: HttpRequest) -> HttpResponse:
    return _csv_response(district_rows(), f"{LG_CODE}_districts.csv")


def export_json(request: HttpRequest) -> HttpResponse:
    return _json_response(export_document(_links(request)))


def export_json_schema(request: HttpRequest) -> HttpResponse:
    url = request.build_absolute_uri(reverse("indicators:export_json_schema"))
    return _json_response(json_schema(url), "application/schema+json")


def datapackage_json(request: HttpRequest) -> HttpResponse:
    return _json_response(package(_links(request)))
