"""The open-data table: published values only, suppressed district cells left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F

from .models import Measurement, Target
from .selectors import is_suppressed

COLUMNS = [
    "code",
    "name_ja",
    "name_en",
    "fiscal_year",
    "district",
    "value",
    "unit",
    "target",
    "status",
]


@dataclass
class ExportTable:
    columns: list[str]
    rows: list[dict[str, Any]]


def _number(value: Any) -> str:
    return "" if value is None else f"{value.normalize():f}"


def export_rows() -> ExportTable:
    """Two queries whatever the size. ``district`` is the district code (the same code the
    survey import takes); ``target`` is the city-wide target of that year, on city-wide rows."""
    targets = {
        (t.indicator_id, t.fiscal_year): t.value
        for t in Target.objects.filter(indicator__measurements__status="published").distinct()
    }
    rows: list[dict[str, Any]] = []
    published = (
        Measurement.objects.filter(status=Measurement.Status.PUBLISHED)
        .select_related("indicator", "district")
        .order_by(
            "indicator__order",
            "indicator__code",
            "fiscal_year",
            # City-wide first on every database (PostgreSQL sorts NULL last by default).
            F("district__order").asc(nulls_first=True),
        )
    )
    for m in published:
        if is_suppressed(m):
            continue
        city = m.district_id is None
        rows.append(
            {
                "code": m.indicator.code,
                "name_ja": m.indicator.name_ja,
                "name_en": m.indicator.name_en,
                "fiscal_year": m.fiscal_year,
                "district": "" if city else m.district.code if m.district else "",
                "value": _number(m.value),
                "unit": m.indicator.unit,
                "target": _number(targets.get((m.indicator_id, m.fiscal_year))) if city else "",
                # Demo values are published demo data: marked in the one column that says
                # what a row is, so the fixed column set stays as the issue lists it.
                "status": "demo" if m.is_demo else m.status,
            }
        )
    return ExportTable(COLUMNS, rows)
