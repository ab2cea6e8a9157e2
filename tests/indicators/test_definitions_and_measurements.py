from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.models import District
from indicators.models import Indicator, Measurement, MeasurementChange, Target
from indicators.services import measurement_record, measurement_transition, measurements_publish

pytestmark = pytest.mark.django_db

PLAN_CODES = ["I-2", "II-1", "II-2", "III-1-consult", "III-1-supported", "III-3"]
OP_CODES = [
    "OP-IDEAS-RECEIVED",
    "OP-IDEAS-FIRST-RESPONSE-DAYS",
    "OP-SESSIONS-HELD",
    "OP-SESSIONS-PARTICIPANTS",
    "OP-SHEETS-SENT",
    "OP-SHEETS-RECEIVED-ON-TIME",
    "OP-SHEETS-FIRST-CONTACT-DAYS",
    "OP-CONFERENCES-HELD",
    "OP-OUTREACH-CONTACTS",
]


def test_data_migration_loads_the_plans_kpis_and_operational_indicators() -> None:
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert set(PLAN_CODES) <= codes
    assert set(OP_CODES) <= codes
    consult = Indicator.objects.get(code="III-1-consult")
    assert "相談支援機関" in consult.name_ja and consult.unit == "%"
    assert consult.source == Indicator.Source.SURVEY
    assert (
        Indicator.objects.get(code="III-3").name_ja
        == Indicator.objects.get(code="III-1-supported").name_ja
    )
    assert "支えられて" in Indicator.objects.get(code="III-3").name_ja
    ii2 = Indicator.objects.get(code="II-2")
    assert (ii2.unit, ii2.source, ii2.kind) == ("cases", "computed", "plan")
    assert Indicator.objects.get(code="OP-IDEAS-FIRST-RESPONSE-DAYS").direction == "down"


def test_city_staff_edit_baseline_and_targets(client: Any, city: Any) -> None:
    client.force_login(city)
    url = reverse("indicators:indicator_edit", kwargs={"code": "I-2"})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name_ja": "地域活動に参加している市民の割合",
            "name_en": "Share taking part",
            "direction": "up",
            "definition": "定義",
            "owner_department": "福祉総務課",
            "baseline_fiscal_year": "2022",
            "baseline_value": "30.5",
            "targets_text": "2026,35\n2031，40.5",
        },
    )
    assert response.status_code == 302
    ind = Indicator.objects.get(code="I-2")
    assert ind.baseline_value == Decimal("30.5") and not ind.baseline_is_demo
    assert list(ind.targets.values_list("fiscal_year", "value")) == [
        (2026, Decimal("35.00")),
        (2031, Decimal("40.50")),
    ]


def test_target_outside_the_plan_or_over_100_percent_is_refused(client: Any, city: Any) -> None:
    client.force_login(city)
    url = reverse("indicators:indicator_edit", kwargs={"code": "I-2"})
    base = {"name_ja": "x", "direction": "up", "baseline_fiscal_year": "", "baseline_value": ""}
    response = client.post(url, {**base, "targets_text": "2035,40"})
    assert response.status_code == 200
    assert "計画期間" in response.content.decode()
    response = client.post(url, {**base, "targets_text": "2030,140"})
    assert "0〜100" in response.content.decode()
    assert not Target.objects.filter(indicator__code="I-2").exists()
    assert Indicator.objects.get(code="I-2").name_ja != "x"


def test_correction_needs_a_reason_and_leaves_history(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    m = measurement_record(indicator=ind, fiscal_year=2024, district=None, value=40, by=city)
    with pytest.raises(ValidationError):
        measurement_record(indicator=ind, fiscal_year=2024, district=None, value=41, by=city)
    assert Measurement.objects.get(pk=m.pk).value == Decimal("40.00")
    measurement_record(
        indicator=ind, fiscal_year=2024, district=None, value=41, by=city, reason="集計誤り"
    )
    change = MeasurementChange.objects.filter(measurement=m).first()
    assert change is not None
    assert (change.old_value, change.new_value, change.reason, change.by) == (
        Decimal("40.00"),
        Decimal("41.00"),
        "集計誤り",
        city,
    )


@pytest.mark.parametrize(
    ("year", "value", "message"),
    [(2021, 40, "計画期間"), (2032, 40, "計画期間"), (2024, 100.5, "0〜100"), (2024, -1, "0〜100")],
)
def test_bad_values_are_refused_in_the_form_and_nothing_changes(
    client: Any, city: Any, year: int, value: float, message: str
) -> None:
    client.force_login(city)
    response = client.post(
        reverse("indicators:measurement_new", kwargs={"code": "I-2"}),
        {"fiscal_year": year, "district": "", "value": value},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


def test_city_staff_enter_a_district_value_then_publish_it(client: Any, city: Any) -> None:
    client.force_login(city)
    district = District.objects.first()
    assert district is not None
    response = client.post(
        reverse("indicators:measurement_new", kwargs={"code": "I-2"}),
        {"fiscal_year": 2025, "district": district.pk, "value": "33.3", "sample_size": "200"},
    )
    assert response.status_code == 302
    m = Measurement.objects.get()
    assert (m.status, m.district, m.sample_size) == ("draft", district, 200)
    client.post(reverse("indicators:measurement_status", kwargs={"pk": m.pk}), {"to": "published"})
    m.refresh_from_db()
    assert m.status == "published" and m.published_at is not None
    assert m.changes.filter(new_status="published", by=city).exists()
    page = client.get(reverse("indicators:indicator_detail", kwargs={"code": "I-2"}))
    assert "公開" in page.content.decode()


def test_correction_form_keeps_year_and_district_and_requires_reason(
    client: Any, city: Any
) -> None:
    ind = Indicator.objects.get(code="I-2")
    m = measurement_record(indicator=ind, fiscal_year=2024, district=None, value=40, by=city)
    client.force_login(city)
    url = reverse("indicators:measurement_edit", kwargs={"pk": m.pk})
    response = client.post(url, {"value": "42"})
    assert response.status_code == 200 and "必須" in response.content.decode()
    response = client.post(url, {"value": "42", "reason": "再集計の結果"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.value == Decimal("42.00") and m.fiscal_year == 2024
    page = client.get(reverse("indicators:indicator_detail", kwargs={"code": "I-2"}))
    assert "再集計の結果" in page.content.decode()


def test_publish_all_drafts_of_an_indicator(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    for year in (2022, 2023):
        measurement_record(indicator=ind, fiscal_year=year, district=None, value=30, by=city)
    assert measurements_publish(indicator=ind, by=city) == 2
    assert set(ind.measurements.values_list("status", flat=True)) == {"published"}
    assert measurements_publish(indicator=ind, by=city) == 0


def test_publishing_twice_is_refused(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    m = measurement_record(indicator=ind, fiscal_year=2022, district=None, value=30, by=city)
    measurement_transition(measurement=m, to="published", by=city)
    with pytest.raises(ValidationError):
        measurement_transition(measurement=m, to="published", by=city)


def test_other_staff_cannot_publish(client: Any, role_users: dict[str, Any]) -> None:
    ind = Indicator.objects.get(code="I-2")
    m = measurement_record(
        indicator=ind, fiscal_year=2022, district=None, value=30, by=role_users["city"]
    )
    client.force_login(role_users["coordinator"])
    response = client.post(
        reverse("indicators:measurement_status", kwargs={"pk": m.pk}), {"to": "published"}
    )
    assert response.status_code == 403
    m.refresh_from_db()
    assert m.status == "draft"
