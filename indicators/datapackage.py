"""The open data described for machines: a Frictionless Data Package (``datapackage.json``)
whose Table Schemas describe both CSVs and the district code list, and the JSON Schema of
``export.json``. Tests validate the served files against them with frictionless and
jsonschema, implementations this project did not write.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from . import conf
from .exports import LG_CODE, LG_NAME, PLAN_NAME, PLAN_NAME_EN
from .models import Unit

SCHEMA_FILE = Path(__file__).parent / "schemas" / "open-data.schema.json"

# The Japanese units of the standard-style CSV.
UNITS_JA = ["%", "人", "件", "日"]


@cache
def _json_schema_text() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


def json_schema(url: str) -> dict[str, Any]:
    """The shipped JSON Schema, its ``$id`` the URL it is served at."""
    schema: dict[str, Any] = json.loads(_json_schema_text())
    schema["$id"] = url
    return schema


def _years() -> dict[str, Any]:
    return {
        "required": True,
        "minimum": conf.PLAN_FIRST_FISCAL_YEAR,
        "maximum": conf.PLAN_LAST_FISCAL_YEAR,
    }


def _district_key(field: str) -> list[dict[str, Any]]:
    # An empty district (the city as a whole) is a missing value, which a foreign key skips.
    return [{"fields": field, "reference": {"resource": "districts", "fields": "code"}}]


# What the code column holds, and where the former codes are listed (decision 0023).
CODE_DESCRIPTION = (
    "指標コード。計画の指標は計画の番号（I-2、II-1、III-3、III-1-consult …）、運用の指標は"
    "「OP-分野-指標」（OP-IDEAS-RECEIVED …）。以前のコード（ideas-received、OP-sheets-sent …）"
    "との対応と、同じ設問を示す別のコード（III-1-supported は III-3 と同じ系列）は "
    "export.json の metadata.codes にあります。"
)


def indicators_schema() -> dict[str, Any]:
    """Table Schema of ``export.csv`` (the original columns)."""
    return {
        "fields": [
            {
                "name": "code",
                "type": "string",
                "description": CODE_DESCRIPTION,
                "constraints": {"required": True},
            },
            {"name": "name_ja", "type": "string", "constraints": {"required": True}},
            {"name": "name_en", "type": "string"},
            {"name": "fiscal_year", "type": "integer", "constraints": _years()},
            {
                "name": "district",
                "type": "string",
                "description": "地区コード（空欄は市全体）",
            },
            {"name": "value", "type": "number", "constraints": {"required": True, "minimum": 0}},
            {
                "name": "unit",
                "type": "string",
                "constraints": {"required": True, "enum": [u.value for u in Unit]},
            },
            {"name": "target", "type": "number", "description": "市全体の行のその年度の目標値"},
            {
                "name": "status",
                "type": "string",
                "constraints": {"required": True, "enum": ["published", "demo"]},
            },
        ],
        "missingValues": [""],
        "foreignKeys": _district_key("district"),
    }


def standard_schema() -> dict[str, Any]:
    """Table Schema of the 自治体標準オープンデータセット-style CSV."""
    number = {"type": "number", "constraints": {"minimum": 0}}
    share = {"type": "number", "constraints": {"minimum": 0, "maximum": 100}}
    return {
        "fields": [
            {
                "name": "全国地方公共団体コード",
                "type": "string",
                "constraints": {"required": True, "enum": [LG_CODE]},
            },
            {
                "name": "地方公共団体名",
                "type": "string",
                "constraints": {"required": True, "enum": [LG_NAME]},
            },
            {"name": "計画名", "type": "string", "constraints": {"required": True}},
            {
                "name": "指標コード",
                "type": "string",
                "description": CODE_DESCRIPTION,
                "constraints": {"required": True},
            },
            {"name": "指標名", "type": "string", "constraints": {"required": True}},
            {"name": "指標名_英語", "type": "string"},
            {"name": "年度", "type": "integer", "constraints": _years()},
            {"name": "地区コード", "type": "string", "description": "空欄は市全体"},
            {"name": "地区名", "type": "string", "constraints": {"required": True}},
            {"name": "値", **number, "constraints": {"required": True, "minimum": 0}},
            {
                "name": "単位",
                "type": "string",
                "constraints": {"required": True, "enum": UNITS_JA},
            },
            {"name": "目標値", **number},
            {"name": "標本数", "type": "integer", "constraints": {"minimum": 0}},
            {"name": "95%信頼区間_下限", **share},
            {"name": "95%信頼区間_上限", **share},
            {
                "name": "状態",
                "type": "string",
                "constraints": {"required": True, "enum": ["公開", "デモ"]},
            },
            {"name": "公開日", "type": "date"},
        ],
        "missingValues": [""],
        "foreignKeys": _district_key("地区コード"),
    }


def districts_schema() -> dict[str, Any]:
    return {
        "fields": [
            {
                "name": "code",
                "type": "string",
                "constraints": {"required": True, "unique": True, "pattern": "[-a-zA-Z0-9_]+"},
            },
            {"name": "名称", "type": "string", "constraints": {"required": True}},
            {"name": "name_en", "type": "string"},
        ],
        "missingValues": [""],
        "primaryKey": ["code"],
    }


def _csv(name: str, path: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "format": "csv",
        "mediatype": "text/csv",
        # The files start with a byte-order mark (Excel reads UTF-8 Japanese only with it).
        "encoding": "utf-8",
        "schema": schema,
    }


def package(urls: dict[str, str]) -> dict[str, Any]:
    """The Data Package. ``urls``: absolute URLs of ``page``, ``csv``, ``standard_csv``,
    ``district_codes``, ``json`` and ``json_schema``."""
    return {
        "name": "machida-welfare-plan-indicators",
        "title": f"{PLAN_NAME}の指標",
        "description": (
            f"{PLAN_NAME}（{PLAN_NAME_EN}）の指標のうち{LG_NAME}が公開した値。"
            f"回答者が{conf.MIN_DISTRICT_SAMPLE}人未満の地区の値は含めていない。"
        ),
        "homepage": urls["page"],
        "licenses": [conf.OPEN_DATA_LICENSE],
        "sources": [{"title": LG_NAME, "path": urls["page"]}],
        "contributors": [{"title": LG_NAME, "role": "publisher"}],
        "keywords": ["地域福祉", "指標", LG_NAME, LG_CODE],
        "resources": [
            _csv("indicators", urls["csv"], "指標の値（英語の列名）", indicators_schema()),
            _csv(
                "indicators-standard",
                urls["standard_csv"],
                "指標の値（自治体標準オープンデータセットの形式）",
                standard_schema(),
            ),
            _csv("districts", urls["district_codes"], "地区コード一覧", districts_schema()),
            {
                "name": "indicators-json",
                "path": urls["json"],
                "title": "指標の値（JSON）",
                "description": f"JSON Schema: {urls['json_schema']}",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
            },
        ],
    }
