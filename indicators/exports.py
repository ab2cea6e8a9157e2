"""The open-data tables: published values only, suppressed district cells left out.

``open_data_records`` reads them once (two queries whatever the size: targets, values with
their indicators and districts); every export shapes the same records:

- ``export_rows`` — the original CSV (``export.csv``), its columns unchanged;
- ``export_document`` — the JSON (``export.json``): numbers as numbers, missing values as
  null, a metadata block and the district code list;
- ``standard_rows`` — the CSV in the style of Japan's 自治体標準オープンデータセット
  (``open-data/standard.csv``): the local government's code and name first, Japanese column
  names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import translation

from directory.fiscal import TOKYO
from directory.models import District

from . import conf
from .models import Indicator, IndicatorCode, Measurement, Target, Unit
from .selectors import confidence_interval, is_suppressed

# Who publishes the data, and for which plan (全国地方公共団体コード with its check digit).
LG_CODE = "132098"
LG_NAME = "町田市"
LG_NAME_EN = "Machida City"
PLAN_NAME = "町田市地域福祉計画"
PLAN_NAME_EN = "Machida City Regional Welfare Plan"

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

# The JSON's row keys: the CSV's, then what the CSV leaves out.
JSON_COLUMNS = [
    *COLUMNS[:5],
    "district_name_ja",
    "district_name_en",
    *COLUMNS[5:8],
    "sample_size",
    "ci_low",
    "ci_high",
    "status",
    "published_at",
]

STANDARD_COLUMNS = [
    "全国地方公共団体コード",
    "地方公共団体名",
    "計画名",
    "指標コード",
    "指標名",
    "指標名_英語",
    "年度",
    "地区コード",
    "地区名",
    "値",
    "単位",
    "目標値",
    "標本数",
    "95%信頼区間_下限",
    "95%信頼区間_上限",
    "状態",
    "公開日",
]

DISTRICT_COLUMNS = ["code", "名称", "name_en"]

CITY_WIDE_JA = "市全体"


@dataclass
class Record:
    """One exported value, typed: ``None`` is a missing value, never ``""``."""

    code: str
    name_ja: str
    name_en: str
    fiscal_year: int
    district: District | None
    value: Decimal
    unit: str
    target: Decimal | None
    sample_size: int | None
    ci: tuple[Decimal, Decimal] | None
    demo: bool
    published_at: datetime | None

    @property
    def status(self) -> str:
        # Demo values are published demo data: marked in the one column that says what a
        # row is, so the fixed column set stays as decision 0601 lists it.
        return "demo" if self.demo else Measurement.Status.PUBLISHED.value


@dataclass
class ExportTable:
    columns: list[str]
    rows: list[dict[str, Any]]


def open_data_records() -> list[Record]:
    """Two queries whatever the size. ``target`` is the city-wide target of that year, on
    city-wide rows only."""
    targets = {
        (t.indicator_id, t.fiscal_year): t.value
        for t in Target.objects.filter(indicator__measurements__status="published").distinct()
    }
    published = (
        Measurement.objects.filter(status=Measurement.Status.PUBLISHED)
        .select_related("indicator", "district")
        .order_by(
            "indicator__order",
            "indicator__code",
            "fiscal_year",
            # City-wide first on every database (PostgreSQL sorts NULL last by default).
            F("district__order").asc(nulls_first=True),
            "district_id",
        )
    )
    records: list[Record] = []
    for m in published:
        if is_suppressed(m):
            continue
        city = m.district_id is None
        records.append(
            Record(
                code=m.indicator.code,
                name_ja=m.indicator.name_ja,
                name_en=m.indicator.name_en,
                fiscal_year=m.fiscal_year,
                district=None if city else m.district,
                value=m.value,
                unit=m.indicator.unit,
                target=targets.get((m.indicator_id, m.fiscal_year)) if city else None,
                sample_size=m.sample_size,
                ci=confidence_interval(m),
                demo=m.is_demo,
                published_at=m.published_at,
            )
        )
    return records


def as_of(records: list[Record]) -> datetime | None:
    """The data's as-of time: the latest publication among the exported values."""
    return max((r.published_at for r in records if r.published_at), default=None)


def iso_tokyo(moment: datetime | None) -> str | None:
    """ISO 8601 in Japan time, to the second: ``2025-04-01T09:00:00+09:00``."""
    return None if moment is None else moment.astimezone(TOKYO).isoformat(timespec="seconds")


def _date_tokyo(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(TOKYO).date()


def _text(value: Decimal | None) -> str:
    """A number as the CSVs write it: plain decimal notation, no trailing zeros."""
    return "" if value is None else f"{value.normalize():f}"


def _json_number(value: Decimal | None) -> int | float | None:
    """A number as JSON carries it. Values have two decimals at most and twelve digits, so a
    float keeps them exactly as written (23.4, not 23.399999…)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def export_rows(records: list[Record] | None = None) -> ExportTable:
    """The original CSV: ``district`` is the district code (the same code the survey import
    takes), empty for the city as a whole."""
    rows = [
        {
            "code": r.code,
            "name_ja": r.name_ja,
            "name_en": r.name_en,
            "fiscal_year": r.fiscal_year,
            "district": r.district.code if r.district else "",
            "value": _text(r.value),
            "unit": r.unit,
            "target": _text(r.target),
            "status": r.status,
        }
        for r in (open_data_records() if records is None else records)
    ]
    return ExportTable(COLUMNS, rows)


def district_codes() -> list[District]:
    """The code list: every district a value may name (closed ones too: past values keep
    their district), in the portal's order."""
    return list(District.objects.order_by("order", "id"))


def metadata(records: list[Record], links: dict[str, str]) -> dict[str, Any]:
    """What a consumer needs to cite and trust the data. ``links``: absolute URLs of the
    other open-data files (code list, data package, JSON Schema, page)."""
    return {
        "title": f"{PLAN_NAME}の指標",
        "title_en": f"Indicators of the {PLAN_NAME_EN}",
        "plan": PLAN_NAME,
        "plan_en": PLAN_NAME_EN,
        "publisher": LG_NAME,
        "publisher_en": LG_NAME_EN,
        "publisher_code": LG_CODE,
        "source": f"{LG_NAME}（{PLAN_NAME}の指標。市民意識調査およびポータルの記録から集計）",
        "license": conf.OPEN_DATA_LICENSE,
        "as_of": iso_tokyo(as_of(records)),
        "fiscal_years": [conf.PLAN_FIRST_FISCAL_YEAR, conf.PLAN_LAST_FISCAL_YEAR],
        "suppression": {
            "min_district_sample": conf.MIN_DISTRICT_SAMPLE,
            "note": "回答者数が基準に満たない地区の値は含めていません。",
        },
        "confidence_interval": "95%（正規近似）。割合の指標で回答者数がわかるときのみ。",
        "units": {u.value: _ja(u.label) for u in Unit},
        "codes": code_notes(),
        "links": links,
    }


def code_notes() -> dict[str, Any]:
    """The code convention, the former codes and the codes that show another's series, so
    a consumer of an older file can follow a code (decision 0023). Two queries."""
    return {
        "convention": (
            "計画の指標は計画の番号（I-2、III-3 …）、運用の指標は OP-分野-指標"
            "（OP-IDEAS-RECEIVED …）"
        ),
        "former": {
            c.code: c.indicator.code
            for c in IndicatorCode.objects.select_related("indicator").order_by("code")
        },
        "same_series": {
            i.code: i.series.code
            for i in Indicator.objects.filter(same_as__isnull=False)
            .select_related("same_as")
            .order_by("code")
        },
    }


def _ja(label: Any) -> str:
    with translation.override("ja"):
        return str(label)


def export_document(links: dict[str, str]) -> dict[str, Any]:
    """The JSON export. ``rows`` keeps its name (consumers read it); ``district`` is null
    for the city as a whole."""
    records = open_data_records()
    districts = district_codes()
    rows = [
        {
            "code": r.code,
            "name_ja": r.name_ja,
            "name_en": r.name_en,
            "fiscal_year": r.fiscal_year,
            "district": r.district.code if r.district else None,
            "district_name_ja": r.district.name_ja if r.district else None,
            "district_name_en": (r.district.name_en or None) if r.district else None,
            "value": _json_number(r.value),
            "unit": r.unit,
            "target": _json_number(r.target),
            "sample_size": r.sample_size,
            "ci_low": _json_number(r.ci[0]) if r.ci else None,
            "ci_high": _json_number(r.ci[1]) if r.ci else None,
            "status": r.status,
            "published_at": iso_tokyo(r.published_at),
        }
        for r in records
    ]
    return {
        "metadata": metadata(records, links),
        "districts": [
            {"code": d.code, "name_ja": d.name_ja, "name_en": d.name_en or None} for d in districts
        ],
        "columns": JSON_COLUMNS,
        "rows": rows,
    }


def standard_rows() -> ExportTable:
    """The 自治体標準オープンデータセット-style CSV: 全国地方公共団体コード and
    地方公共団体名 first, Japanese column names, Japanese units; 地区コード is empty and
    地区名 is 市全体 for the city as a whole."""
    units = {u.value: _ja(u.label) for u in Unit}
    rows = [
        {
            "全国地方公共団体コード": LG_CODE,
            "地方公共団体名": LG_NAME,
            "計画名": PLAN_NAME,
            "指標コード": r.code,
            "指標名": r.name_ja,
            "指標名_英語": r.name_en,
            "年度": r.fiscal_year,
            "地区コード": r.district.code if r.district else "",
            "地区名": r.district.name_ja if r.district else CITY_WIDE_JA,
            "値": _text(r.value),
            "単位": units.get(r.unit, r.unit),
            "目標値": _text(r.target),
            "標本数": "" if r.sample_size is None else r.sample_size,
            "95%信頼区間_下限": _text(r.ci[0]) if r.ci else "",
            "95%信頼区間_上限": _text(r.ci[1]) if r.ci else "",
            "状態": "デモ" if r.demo else "公開",
            "公開日": (d.isoformat() if (d := _date_tokyo(r.published_at)) else ""),
        }
        for r in open_data_records()
    ]
    return ExportTable(STANDARD_COLUMNS, rows)


def district_rows() -> ExportTable:
    return ExportTable(
        DISTRICT_COLUMNS,
        [{"code": d.code, "名称": d.name_ja, "name_en": d.name_en} for d in district_codes()],
    )
