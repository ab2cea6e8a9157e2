"""The open data checked with implementations this project did not write: frictionless
validates both CSVs and the district code list against the Table Schemas of the served
``datapackage.json``; jsonschema checks ``export.json`` against the served JSON Schema."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import frictionless
import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.fiscal import TOKYO
from directory.models import District
from indicators.models import Indicator, Measurement, Target, current_fiscal_year
from indicators.services import measurement_record, measurements_publish

pytestmark = pytest.mark.django_db


def _world(city: Any) -> dict[str, Any]:
    """City-wide and district values of a surveyed share and a count, a target, a
    suppressed district cell and a draft."""
    share = Indicator.objects.get(code="I-2")
    big, small, other = list(District.objects.order_by("order", "id")[:3])
    Target.objects.create(indicator=share, fiscal_year=2024, value=Decimal("40"))
    measurement_record(
        indicator=share, fiscal_year=2024, district=None, value=23.4, sample_size=400, by=city
    )
    measurement_record(
        indicator=share, fiscal_year=2024, district=big, value=36, sample_size=80, by=city
    )
    measurement_record(
        indicator=share, fiscal_year=2024, district=small, value=77.7, sample_size=12, by=city
    )
    measurements_publish(indicator=share, by=city)
    measurement_record(indicator=share, fiscal_year=2025, district=other, value=66.6, by=city)
    counted = Indicator.objects.exclude(unit="%").order_by("order", "code").first()
    assert counted is not None
    measurement_record(indicator=counted, fiscal_year=2023, district=None, value=120, by=city)
    measurements_publish(indicator=counted, by=city)
    return {"share": share, "counted": counted, "big": big, "small": small}


def _get(client: Client, name: str) -> Any:
    response = client.get(reverse(f"indicators:{name}"))
    assert response.status_code == 200, name
    if name != "open_data":  # the files, not the page, are for any site to fetch
        assert response["Access-Control-Allow-Origin"] == "*", name
    return response


def _json_errors(client: Client) -> list[str]:
    schema = _get(client, "export_json_schema").json()
    document = _get(client, "export_json").json()
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_json_has_numbers_nulls_sample_sizes_and_district_names(client: Client, city: Any) -> None:
    world = _world(city)
    assert _json_errors(client) == []
    document = _get(client, "export_json").json()
    rows = {(r["code"], r["fiscal_year"], r["district"]): r for r in document["rows"]}
    whole = rows[("I-2", 2024, None)]
    assert whole["value"] == 23.4 and isinstance(whole["value"], float)
    assert whole["target"] == 40 and isinstance(whole["target"], int)
    assert whole["sample_size"] == 400
    # 1.96 × √(0.234 × 0.766 / 400) = 4.1 points.
    assert (whole["ci_low"], whole["ci_high"]) == (19.3, 27.5)
    assert whole["district_name_ja"] is None
    district = rows[("I-2", 2024, world["big"].code)]
    assert district["value"] == 36 and district["target"] is None
    assert district["district_name_ja"] == world["big"].name_ja
    count = rows[(world["counted"].code, 2023, None)]
    assert count["value"] == 120 and count["sample_size"] is None and count["ci_low"] is None
    # Suppressed and draft cells are left out; no number is a string, no missing value "".
    assert ("I-2", 2024, world["small"].code) not in rows
    assert not any(r["fiscal_year"] == 2025 for r in document["rows"])
    for row in document["rows"]:
        for key in ("value", "target", "sample_size", "ci_low", "ci_high"):
            assert row[key] is None or isinstance(row[key], int | float), (key, row)
        assert "" not in row.values(), row
    codes = {d["code"]: d for d in document["districts"]}
    assert codes[world["big"].code]["name_ja"] == world["big"].name_ja
    assert set(codes) == set(District.objects.values_list("code", flat=True))


def test_json_metadata_names_licence_source_plan_and_as_of(client: Client, city: Any) -> None:
    world = _world(city)
    # The latest publication among the exported values (the suppressed cell is not one).
    shown = Measurement.objects.filter(status="published").exclude(district=world["small"])
    latest = shown.latest("published_at").published_at
    assert latest is not None
    meta = _get(client, "export_json").json()["metadata"]
    assert meta["license"]["name"] == "CC-BY-4.0"
    assert meta["license"]["path"].startswith("https://creativecommons.org/licenses/by/4.0/")
    assert meta["publisher"] == "町田市" and meta["publisher_code"] == "132098"
    assert meta["plan"] == "町田市地域福祉計画" and meta["source"]
    assert meta["as_of"].endswith("+09:00")
    assert datetime.fromisoformat(meta["as_of"]) == latest.replace(microsecond=0)
    assert meta["links"]["district_codes"] == "http://testserver" + reverse(
        "indicators:district_codes_csv"
    )


def test_json_without_published_values_still_validates(client: Client) -> None:
    assert _json_errors(client) == []
    assert _get(client, "export_json").json()["metadata"]["as_of"] is None


def test_the_city_chooses_the_licence(client: Client, city: Any, settings: Any) -> None:
    settings.INDICATORS_OPEN_DATA_LICENSE = {
        "name": "CC0-1.0",
        "title": "CC0 1.0 全世界",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/deed.ja",
    }
    _world(city)
    assert _get(client, "export_json").json()["metadata"]["license"]["name"] == "CC0-1.0"
    assert _get(client, "datapackage").json()["licenses"][0]["name"] == "CC0-1.0"
    page = _get(client, "open_data").content.decode()
    assert "CC0 1.0 全世界" in page and "publicdomain/zero" in page
    assert _json_errors(client) == []


def _package_on_disk(client: Client, folder: Path) -> tuple[Path, dict[str, bytes]]:
    """The served data package with every resource fetched through the test client and
    saved beside it, its paths made local; the bytes are exactly what was served."""
    descriptor = _get(client, "datapackage").json()
    served: dict[str, bytes] = {}
    for resource in descriptor["resources"]:
        url = urlsplit(resource["path"])
        assert url.scheme == "http" and url.netloc == "testserver", resource["path"]
        body = client.get(url.path).content
        name = Path(url.path).name
        (folder / name).write_bytes(body)
        served[resource["name"]] = body
        resource["path"] = name
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return path, served


def _report(path: Path) -> list[Any]:
    report = frictionless.validate(str(path))
    return report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_frictionless_validates_both_csvs_and_the_code_list(
    client: Client, city: Any, tmp_path: Path
) -> None:
    _world(city)
    path, served = _package_on_disk(client, tmp_path)
    assert _report(path) == []
    # The package really read the rows: as many as the JSON has, in both CSVs.
    rows = len(_get(client, "export_json").json()["rows"])
    package = frictionless.Package(str(path))
    for name in ("indicators", "indicators-standard"):
        assert len(package.get_table_resource(name).read_rows()) == rows == 3
    assert all(
        body.startswith(b"\xef\xbb\xbf") for n, body in served.items() if n != "indicators-json"
    )


def test_frictionless_validates_the_demo_data(client: Client, demo: Any, tmp_path: Path) -> None:
    from indicators.demo import seed

    seed(demo)
    path, _served = _package_on_disk(client, tmp_path)
    assert _report(path) == []
    assert _json_errors(client) == []


@pytest.mark.parametrize(
    ("resource", "old", "new", "error"),
    [
        ("export.csv", b",36,", b",36.0.0,", "type-error"),
        ("standard.csv", b"132098", b"132099", "constraint-error"),
        ("standard.csv", b",36,", b",,", "constraint-error"),
        ("districts.csv", b"code,", b"cod,", "incorrect-label"),
    ],
)
def test_the_shipped_schemas_catch_a_broken_file(
    client: Client, city: Any, tmp_path: Path, resource: str, old: bytes, new: bytes, error: str
) -> None:
    """The schemas are not a formality: a file broken the way a careless edit breaks it
    fails frictionless."""
    _world(city)
    path, _served = _package_on_disk(client, tmp_path)
    target = tmp_path / resource
    body = target.read_bytes()
    assert old in body
    target.write_bytes(body.replace(old, new, 1))
    assert error in {e[3] for e in _report(path)}


def test_an_unknown_district_code_fails_the_foreign_key(
    client: Client, city: Any, tmp_path: Path
) -> None:
    world = _world(city)
    path, _served = _package_on_disk(client, tmp_path)
    codes = tmp_path / "districts.csv"
    lines = codes.read_text(encoding="utf-8-sig").splitlines()
    codes.write_text(
        "\n".join(line for line in lines if not line.startswith(world["big"].code + ",")),
        encoding="utf-8-sig",
    )
    assert "foreign-key" in {e[3] for e in _report(path)}


def test_standard_csv_starts_with_the_city_and_names_its_columns_in_japanese(
    client: Client, city: Any
) -> None:
    world = _world(city)
    response = _get(client, "export_standard_csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="132098_' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0])[:12] == [
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
    ]
    assert {(r["全国地方公共団体コード"], r["地方公共団体名"]) for r in rows} == {
        ("132098", "町田市")
    }
    whole, district = rows[0], rows[1]
    assert (whole["指標コード"], whole["年度"], whole["地区コード"]) == ("I-2", "2024", "")
    assert whole["地区名"] == "市全体" and whole["値"] == "23.4" and whole["単位"] == "%"
    assert whole["標本数"] == "400" and whole["目標値"] == "40"
    assert (whole["95%信頼区間_下限"], whole["95%信頼区間_上限"]) == ("19.3", "27.5")
    assert district["地区コード"] == world["big"].code
    assert district["地区名"] == world["big"].name_ja
    published = Measurement.objects.get(district=None, indicator=world["share"]).published_at
    assert published is not None
    assert whole["公開日"] == published.astimezone(TOKYO).date().isoformat()
    assert "77.7" not in body.decode("utf-8-sig") and "66.6" not in body.decode("utf-8-sig")
    # Today's CSV stays as it was, beside the new one.
    old = _get(client, "export_csv").content.decode("utf-8-sig")
    assert (
        old.splitlines()[0] == "code,name_ja,name_en,fiscal_year,district,value,unit,target,status"
    )


def test_district_code_list(client: Client, city: Any) -> None:
    text = _get(client, "district_codes_csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["code", "名称", "name_en"]
    expected = [(d.code, d.name_ja) for d in District.objects.order_by("order", "id")]
    assert [(r["code"], r["名称"]) for r in rows] == expected


def test_open_data_page_links_every_file_and_states_licence_and_as_of(
    client: Client, city: Any
) -> None:
    _world(city)
    page = _get(client, "open_data").content.decode()
    for name in (
        "export_csv",
        "export_standard_csv",
        "export_json",
        "district_codes_csv",
        "datapackage",
        "export_json_schema",
    ):
        assert f'href="{reverse("indicators:" + name)}"' in page, name
    assert 'rel="license"' in page and "CC BY 4.0" in page
    as_of = _get(client, "export_json").json()["metadata"]["as_of"]
    assert f'datetime="{as_of}"' in page


def test_new_open_data_files_query_count_does_not_grow(client: Client, city: Any) -> None:
    names = ("export_standard_csv", "district_codes_csv", "export_json", "datapackage")

    def counts() -> list[int]:
        found = []
        for name in names:
            client.get(reverse(f"indicators:{name}"))
            with CaptureQueriesContext(connection) as ctx:
                _get(client, name)
            found.append(len(ctx))
        return found

    share = Indicator.objects.get(code="I-2")
    measurement_record(indicator=share, fiscal_year=2022, district=None, value=30, by=city)
    measurements_publish(indicator=share, by=city)
    few = counts()
    for ind in Indicator.objects.filter(source="survey"):
        for year in range(2022, current_fiscal_year() + 1):
            measurement_record(
                indicator=ind, fiscal_year=year, district=None, value=31, by=city, reason="訂正"
            )
            for d in District.objects.all():
                measurement_record(
                    indicator=ind, fiscal_year=year, district=d, value=25, sample_size=80, by=city
                )
        measurements_publish(indicator=ind, by=city)
    assert Measurement.objects.filter(status="published").count() > 100
    assert counts() == few
