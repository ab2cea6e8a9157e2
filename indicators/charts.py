"""Server-rendered SVG charts: geometry computed here, drawn by a template.

No JavaScript and no inline style (the CSP forbids both); colours come from
``static/css/indicators.css`` classes, so the charts print and follow high-contrast modes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from . import conf

if TYPE_CHECKING:
    from .selectors import IndicatorView

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 60, 24, 16, 36


@dataclass
class Point:
    x: float
    y: float
    label: str

    @property
    def diamond(self) -> str:
        x, y = self.x, self.y
        return f"M{x},{y - 7} L{x + 7},{y} L{x},{y + 7} L{x - 7},{y} Z"


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    values: list[Point] = field(default_factory=list)
    values_path: str = ""
    target_path: str = ""
    targets: list[Point] = field(default_factory=list)
    x_ticks: list[Point] = field(default_factory=list)
    y_ticks: list[Point] = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM


def _nice_max(top: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above ``top``: readable axis labels."""
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= top:
            return float(step * magnitude)
    return top


def _fmt(value: Decimal | float) -> str:
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"


def trend_chart(view: IndicatorView) -> Chart | None:
    values = [(c.measurement.fiscal_year, c.measurement.value) for c in view.city]
    ind = view.series
    target_pts = [(t.fiscal_year, t.value) for t in view.targets]
    base = (
        [(ind.baseline_fiscal_year, ind.baseline_value)]
        if ind.baseline_fiscal_year is not None and ind.baseline_value is not None
        else []
    )
    if not values and not target_pts:
        return None
    chart = Chart()
    first = min([conf.PLAN_FIRST_FISCAL_YEAR, *(y for y, _ in values + target_pts + base)])
    last = max([conf.PLAN_LAST_FISCAL_YEAR, *(y for y, _ in values + target_pts + base)])
    top = (
        100.0
        if ind.unit == "%"
        else _nice_max(max(float(v) for _, v in values + target_pts + base) * 1.1)
    )
    span_x = chart.plot_right - chart.plot_left
    span_y = chart.plot_bottom - chart.plot_top

    def x(year: int) -> float:
        return round(chart.plot_left + span_x * (year - first) / max(last - first, 1), 1)

    def y(value: Decimal | float) -> float:
        return round(chart.plot_bottom - span_y * float(value) / top, 1)

    chart.values = [Point(x(yr), y(v), f"{yr}: {_fmt(v)}") for yr, v in values]
    chart.values_path = " ".join(f"{p.x},{p.y}" for p in chart.values)
    line = base + target_pts
    chart.target_path = " ".join(f"{x(yr)},{y(v)}" for yr, v in line) if len(line) > 1 else ""
    chart.targets = [Point(x(yr), y(v), f"{yr}: {_fmt(v)}") for yr, v in target_pts]
    chart.x_ticks = [
        Point(x(yr), chart.plot_bottom + 22, str(yr)) for yr in range(first, last + 1, 1)
    ]
    chart.y_ticks = [
        Point(chart.plot_left - 6, y(top * i / 4), _fmt(top * i / 4)) for i in range(5)
    ]
    return chart


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 4


@dataclass
class Sparkline:
    """A small trend for the overview: the city-wide values, nothing else. ``label`` is its
    text alternative (first and latest value)."""

    points: str
    last: Point
    label: str
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(view: IndicatorView) -> Sparkline | None:
    from django.utils.translation import gettext as _

    from .templatetags.indicator_tags import with_unit

    values = [(c.measurement.fiscal_year, c.measurement.value) for c in view.city]
    if len(values) < 2:
        return None
    low = min(float(v) for _y, v in values)
    high = max(float(v) for _y, v in values)
    span = (high - low) or 1.0
    first_year, last_year = values[0][0], values[-1][0]
    inner_w = SPARK_WIDTH - 2 * SPARK_PAD
    inner_h = SPARK_HEIGHT - 2 * SPARK_PAD

    def x(year: int) -> float:
        return round(SPARK_PAD + inner_w * (year - first_year) / max(last_year - first_year, 1), 1)

    def y(value: Decimal) -> float:
        return round(SPARK_PAD + inner_h * (1 - (float(value) - low) / span), 1)

    unit = view.series.unit
    (y0, v0), (y1, v1) = values[0], values[-1]
    label = _("推移：%(y0)s年度 %(v0)s → %(y1)s年度 %(v1)s（%(n)s年分）") % {
        "y0": y0,
        "v0": with_unit(v0, unit),
        "y1": y1,
        "v1": with_unit(v1, unit),
        "n": len(values),
    }
    return Sparkline(
        points=" ".join(f"{x(yr)},{y(v)}" for yr, v in values),
        last=Point(x(y1), y(v1), ""),
        label=label,
    )
