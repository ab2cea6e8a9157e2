from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import District
from indicators.models import Indicator, Measurement
from indicators.services import measurement_record, survey_import, survey_import_preview

pytestmark = pytest.mark.django_db


def _district_code() -> str:
    district = District.objects.first()
    assert district is not None
    return district.code


def test_preview_changes_nothing_and_lists_rows(demo: Any) -> None:
    code = _district_code()
    text = (
        "code,fiscal_year,district,value,sample_size,numerator\n"
        f"I-2,2024,,41.2,1500,618\nI-2,2024,{code},39,120,47\n"
    )
    preview = survey_import_preview(text)
    assert preview.ok
    assert [r.line for r in preview.rows] == [2, 3]
    assert preview.rows[1].district is not None
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("XX-9,2024,,40,,", "指標コード「XX-9」はありません"),
        ("I-2,2024,nowhere,40,,", "地区コード「nowhere」はありません"),
        ("I-2,2019,,40,,", "計画期間"),
        ("I-2,2024,,140,,", "0〜100"),
        ("I-2,令和6,,40,,", "年度が数字ではありません"),
        ("I-2,2024,,abc,,", "値が数字ではありません"),
        ("I-2,2024,,40,10,20", "該当者数は回答者数以下"),
        ("II-2,2024,,4,,", "算出するため"),
    ],
)
def test_one_bad_row_stops_the_whole_import_with_a_japanese_message(
    demo: Any, row: str, message: str
) -> None:
    text = f"code,fiscal_year,district,value,sample_size,numerator\nI-2,2023,,40,,\n{row}\n"
    result = survey_import(text=text, by=demo.users["city@example.jp"])
    assert not result.ok
    bad = [r for r in result.rows if r.errors]
    assert bad[0].line == 3
    assert any(message in e for e in bad[0].errors), bad[0].errors
    assert not Measurement.objects.exists()


def test_duplicate_rows_and_missing_columns_are_reported(demo: Any) -> None:
    dup = survey_import_preview("code,fiscal_year,district,value\nI-2,2024,,40\nI-2,2024,,41\n")
    assert "2行目と同じ" in dup.rows[1].errors[0]
    missing = survey_import_preview("code,year,value\nI-2,2024,40\n")
    assert not missing.ok and "fiscal_year" in missing.errors[0]


def test_reimport_corrects_with_history(demo: Any) -> None:
    city = demo.users["city@example.jp"]
    survey_import(text="code,fiscal_year,district,value\nI-2,2024,,40\n", by=city)
    preview = survey_import_preview("code,fiscal_year,district,value\nI-2,2024,,42\n")
    assert preview.rows[0].existing == Decimal("40.00")
    survey_import(text="code,fiscal_year,district,value\nI-2,2024,,42\n", by=city)
    m = Measurement.objects.get()
    assert m.value == Decimal("42.00")
    assert m.changes.filter(old_value=Decimal("40.00"), new_value=Decimal("42.00")).exists()


def test_city_staff_upload_preview_then_confirm(client: Any, role_users: dict[str, Any]) -> None:
    client.force_login(role_users["city"])
    url = reverse("indicators:import")
    body = (
        "\ufeffcode,fiscal_year,district,value,sample_size,numerator\r\n"
        "III-1-consult,2025,,55.5,1200,666\r\n"
    )
    upload = SimpleUploadedFile("survey.csv", body.encode("utf-8"), content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1行を取り込む" in html
    assert not Measurement.objects.exists()
    csv_text = response.context["confirm_form"].initial["csv"]
    response = client.post(url, {"csv": csv_text, "confirm": "1"})
    assert response.status_code == 302
    m = Measurement.objects.get()
    assert (m.indicator.code, m.value, m.sample_size, m.status) == (
        "III-1-consult",
        Decimal("55.50"),
        1200,
        "draft",
    )


def test_confirming_a_tampered_csv_with_errors_changes_nothing(
    client: Any, role_users: dict[str, Any]
) -> None:
    client.force_login(role_users["city"])
    response = client.post(
        reverse("indicators:import"),
        {"csv": "code,fiscal_year,district,value\nI-2,2024,,40\nI-2,2024,x,1\n", "confirm": "1"},
    )
    assert response.status_code == 200
    assert "取り込めません" in response.content.decode()
    assert not Measurement.objects.exists()


def test_non_utf8_file_gets_a_clear_message(client: Any, role_users: dict[str, Any]) -> None:
    client.force_login(role_users["city"])
    upload = SimpleUploadedFile(
        "s.csv", "code,fiscal_year,district,value\nI-2,2024,,四十\n".encode("shift_jis")
    )
    response = client.post(reverse("indicators:import"), {"file": upload})
    assert "UTF-8" in response.content.decode()


def test_survey_value_over_existing_published_keeps_it_published_with_history(
    demo: Any,
) -> None:
    city = demo.users["city@example.jp"]
    ind = Indicator.objects.get(code="I-2")
    m = measurement_record(indicator=ind, fiscal_year=2024, district=None, value=40, by=city)
    m.status = "published"
    m.save()
    survey_import(text="code,fiscal_year,district,value\nI-2,2024,,43\n", by=city)
    m.refresh_from_db()
    assert m.status == "published" and m.value == Decimal("43.00")
