"""Reads: what a viewer may see of the indicators, shaped for the dashboard and open data.

Everything is loaded in a fixed number of queries (indicators, targets, measurements,
districts) and shaped in Python, so a page's query count does not grow with years,
districts or the size of the portal's data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, TextChoices
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from directory.models import District

from . import conf
from .charts import Chart, Sparkline, sparkline, trend_chart
from .models import Indicator, Measurement, Target, Unit
from .policies import measurement_scope
from .registry import registered


def confidence_interval(m: Measurement) -> tuple[Decimal, Decimal] | None:
    """95 % interval of a surveyed share (normal approximation), when the sample is known."""
    if m.indicator.unit != Unit.PERCENT or not m.sample_size:
        return None
    p = float(m.value) / 100
    half = 1.96 * math.sqrt(max(p * (1 - p), 0.0) / m.sample_size) * 100
    low, high = max(0.0, float(m.value) - half), min(100.0, float(m.value) + half)
    return Decimal(f"{low:.1f}"), Decimal(f"{high:.1f}")


def is_suppressed(m: Measurement) -> bool:
    """District survey cells with too few respondents are not shown."""
    return (
        m.district_id is not None
        and m.sample_size is not None
        and m.sample_size < conf.MIN_DISTRICT_SAMPLE
    )


@dataclass
class Cell:
    measurement: Measurement
    suppressed: bool
    ci: tuple[Decimal, Decimal] | None
    list_url: str = ""

    @property
    def value(self) -> Decimal | None:
        return None if self.suppressed else self.measurement.value


class Progress(TextChoices):
    """Where an indicator stands — the one definition every page uses (decision 0023).

    The path runs through the baseline and every target (the dashed line of the chart);
    the latest value is on track when it is at or beyond the path in its year, in the
    indicator's direction."""

    ON_TRACK = "on_track", _("道筋どおり")
    BEHIND = "behind", _("道筋より遅れ")
    NO_TARGET = "no_target", _("目標なし")
    NO_DATA = "no_data", _("値なし")


@dataclass
class IndicatorView:
    indicator: Indicator
    targets: list[Target]
    city: list[Cell]  # by fiscal year, ascending
    districts: list[tuple[District, Cell | None]]
    district_year: int | None
    available: bool  # False: computed, but no app registers the computation yet
    list_url_name: str = ""
    chart: Chart | None = None
    expected: Decimal | None = None  # where the straight path says we should be now
    needed_per_year: Decimal | None = None
    on_track: bool | None = None
    years: list[int] = field(default_factory=list)
    focus: District | None = None
    sparkline: Sparkline | None = None
    # district pk → fiscal year → cell, for the district-by-year table of the indicator page
    by_district: dict[int, dict[int, Cell]] = field(default_factory=dict)

    @property
    def series(self) -> Indicator:
        """The definition whose values, targets and baseline are shown (``same_as``)."""
        return self.indicator.series

    @property
    def status(self) -> Progress:
        if self.latest is None:
            return Progress.NO_DATA
        if self.on_track is None:
            return Progress.NO_TARGET
        return Progress.ON_TRACK if self.on_track else Progress.BEHIND

    @property
    def latest(self) -> Cell | None:
        return self.city[-1] if self.city else None

    @property
    def final_target(self) -> Target | None:
        return self.targets[-1] if self.targets else None

    @property
    def district_years(self) -> list[int]:
        return sorted({y for cells in self.by_district.values() for y in cells})

    @property
    def district_matrix(self) -> list[tuple[District, list[Cell | None]]]:
        years = self.district_years
        return [
            (d, [self.by_district.get(d.pk, {}).get(y) for y in years]) for d, _ in self.districts
        ]

    @property
    def table_rows(self) -> list[tuple[int, Cell | None, Target | None]]:
        """The chart's numbers as a table: every year with a value or a target."""
        cells = {c.measurement.fiscal_year: c for c in self.city}
        targets = {t.fiscal_year: t for t in self.targets}
        return [(y, cells.get(y), targets.get(y)) for y in sorted(set(cells) | set(targets))]

    @property
    def district_rows(self) -> list[tuple[District, Cell | None, int]]:
        """Each district with its cell and a bar length (0–100) for the small bar chart."""
        shown = [c.value for _, c in self.districts if c is not None and c.value is not None]
        top = float(max(shown)) if shown else 0.0
        if self.indicator.unit == Unit.PERCENT:
            top = 100.0
        rows = []
        for district, cell in self.districts:
            width = 0
            if cell is not None and cell.value is not None and top > 0:
                width = round(float(cell.value) / top * 100)
            rows.append((district, cell, width))
        return rows

    @property
    def has_demo(self) -> bool:
        return (
            self.series.baseline_is_demo
            or any(t.is_demo for t in self.targets)
            or any(c.measurement.is_demo for c in self.city)
        )


def _list_url(name: str, fiscal_year: int, district: District | None) -> str:
    if not name:
        return ""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    query = f"?fiscal_year={fiscal_year}"
    if district is not None:
        query += f"&district={district.code}"
    return url + query


def path_points(indicator: Indicator, targets: list[Target]) -> list[tuple[int, Decimal]]:
    """The path to the targets: the baseline, then every target, by fiscal year."""
    points = {t.fiscal_year: t.value for t in targets}
    if indicator.baseline_fiscal_year is not None and indicator.baseline_value is not None:
        points.setdefault(indicator.baseline_fiscal_year, indicator.baseline_value)
    return sorted(points.items())


def path_value(points: list[tuple[int, Decimal]], year: int) -> Decimal | None:
    """Where the path is in ``year`` (straight between its points; flat before the first
    and after the last); None without a path (fewer than two points)."""
    if len(points) < 2:
        return None
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in pairwise(points):
        if y0 <= year <= y1:
            return (v0 + (v1 - v0) * (year - y0) / (y1 - y0)).quantize(Decimal("0.01"))
    return points[-1][1]


def _progress(view: IndicatorView) -> None:
    latest, target = view.latest, view.final_target
    if latest is None or target is None:
        return
    year = latest.measurement.fiscal_year
    view.expected = path_value(path_points(view.series, view.targets), year)
    remaining = target.fiscal_year - year
    if remaining > 0:
        view.needed_per_year = ((target.value - latest.measurement.value) / remaining).quantize(
            Decimal("0.01")
        )
    if view.expected is not None:
        up = view.indicator.direction == Indicator.Direction.UP
        value = latest.measurement.value
        view.on_track = value >= view.expected if up else value <= view.expected


def indicator_views(
    user: Any,
    *,
    indicators: QuerySet[Indicator] | None = None,
    published_only: bool = False,
    with_charts: bool = True,
    focus: District | None = None,
    city_only: bool = False,
) -> list[IndicatorView]:
    """``focus``: a district whose series replaces the city-wide one on the cards (latest
    value, chart, progress against the plan's city-wide path); its suppressed cells are left
    out of the series. ``city_only``: leave district values out (the overview), unless
    focused. A definition that shows another's series (``same_as``) gets that series'
    values, targets and baseline."""
    measurements = (
        Measurement.objects.filter(status=Measurement.Status.PUBLISHED)
        if published_only
        else measurement_scope(user)
    )
    ordered_targets = Target.objects.order_by("fiscal_year")
    qs = (
        (indicators if indicators is not None else Indicator.objects.all())
        .select_related("same_as")
        .prefetch_related(
            Prefetch("targets", queryset=ordered_targets),
            Prefetch("same_as__targets", queryset=ordered_targets),
        )
    )
    items = list(qs)
    series_pks = {i.series.pk for i in items}
    by_indicator: dict[int, list[Measurement]] = {pk: [] for pk in series_pks}
    if city_only:
        where = Q(district__isnull=True)
        if focus is not None:
            where |= Q(district=focus)
        measurements = measurements.filter(where)
    for m in measurements.filter(indicator__in=series_pks).order_by("fiscal_year", "district_id"):
        by_indicator[m.indicator_id].append(m)
    districts = list(District.objects.filter(is_active=True))
    district_by_pk = {d.pk: d for d in districts}
    computed = registered()
    views: list[IndicatorView] = []
    for indicator in items:
        series = indicator.series
        reg = computed.get(series.code)
        list_name = reg.list_url_name if reg else ""
        rows = by_indicator[series.pk]
        city: list[Cell] = []
        per_district: dict[int, dict[int, Cell]] = {}
        by_district: dict[int, dict[int, Cell]] = {}
        for m in rows:
            m.indicator = series  # already loaded: no query per row
            if m.district_id is not None:
                m.district = district_by_pk.get(m.district_id)
            cell = Cell(
                m,
                is_suppressed(m),
                confidence_interval(m),
                _list_url(list_name, m.fiscal_year, m.district),
            )
            if focus is not None and m.district_id == focus.pk and not cell.suppressed:
                city.append(cell)
            if m.district_id is None:
                if focus is None:
                    city.append(cell)
            else:
                per_district.setdefault(m.fiscal_year, {})[m.district_id] = cell
                by_district.setdefault(m.district_id, {})[m.fiscal_year] = cell
        district_year = max(per_district) if per_district else None
        district_cells = per_district.get(district_year, {}) if district_year else {}
        view = IndicatorView(
            indicator=indicator,
            targets=list(series.targets.all()),
            city=city,
            districts=[(d, district_cells.get(d.pk)) for d in districts],
            district_year=district_year,
            available=series.source == Indicator.Source.SURVEY or reg is not None,
            list_url_name=list_name,
            years=sorted({m.fiscal_year for m in rows}),
            by_district=by_district,
            focus=focus,
        )
        _progress(view)
        if with_charts:
            view.chart = trend_chart(view)
        view.sparkline = sparkline(view)
        views.append(view)
    return views
