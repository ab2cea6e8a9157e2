"""One code convention, one definition per measure, one series for one survey question, and
no values for years that have not begun (decision 0023)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.models import District
from indicators.codes import kind_of
from indicators.models import (
    Indicator,
    IndicatorCode,
    Measurement,
    MeasurementChange,
    Target,
    current_fiscal_year,
    last_survey_year,
)
from indicators.registry import ComputedIndicator, register, registered
from indicators.selectors import indicator_views
from indicators.services import measurement_record, survey_import

pytestmark = pytest.mark.django_db

OPERATIONAL = [
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


def _forward() -> None:
    import_module("indicators.migrations.0004_one_code_convention").forward(apps, None)


def test_every_definition_and_every_registered_code_follows_the_one_convention() -> None:
    for ind in Indicator.objects.all():
        assert kind_of(ind.code) == ind.kind, ind.code
    for code in registered():
        assert kind_of(code) is not None, code
    assert set(OPERATIONAL) <= set(Indicator.objects.values_list("code", flat=True))


def test_a_code_off_the_convention_is_refused_by_the_registry_and_the_definition() -> None:
    with pytest.raises(ValueError):
        register(ComputedIndicator("ideas_received", "x", "x", "cases", lambda y, d: 1))
    ind = Indicator.objects.get(code="OP-IDEAS-RECEIVED")
    ind.code = "OP-ideas-received"
    with pytest.raises(ValidationError) as err:
        ind.full_clean()
    assert "code" in err.value.message_dict


def test_each_operational_measure_is_defined_once_and_computed_by_its_app() -> None:
    computed = registered()
    definitions = {
        i.code: i for i in Indicator.objects.filter(source=Indicator.Source.COMPUTED, same_as=None)
    }
    # No definition without a computation, no computation without a definition (the data
    # migrations define them all: nothing is left for the registry to invent).
    assert set(definitions) == set(computed)
    for code, item in computed.items():
        assert definitions[code].unit == item.unit, code
        assert definitions[code].direction == item.direction, code
    assert not Indicator.objects.filter(code__in=list(IndicatorCode.objects.values("code")))


def test_after_seed_demo_every_definition_has_values_and_none_is_for_a_year_to_come(
    db: Any,
) -> None:
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    current = current_fiscal_year()
    assert not Measurement.objects.filter(fiscal_year__gt=current).exists()
    surveyed = Measurement.objects.filter(indicator__source="survey")
    assert max(surveyed.values_list("fiscal_year", flat=True)) == min(last_survey_year(), 2031)
    computed = Measurement.objects.filter(indicator__source="computed")
    assert max(computed.values_list("fiscal_year", flat=True)) == min(current, 2031)
    with_values = set(Measurement.objects.values_list("indicator__code", flat=True))
    series = set(Indicator.objects.filter(same_as=None).values_list("code", flat=True))
    assert with_values == series
    assert not Measurement.objects.filter(indicator__same_as__isnull=False).exists()
    former = set(IndicatorCode.objects.values_list("code", flat=True))
    assert not with_values & former


def test_old_indicator_links_redirect_to_the_new_code(client: Any, city: Any) -> None:
    client.force_login(city)
    for old in ("ideas-received", "OP-ideas-received"):
        response = client.get(reverse("indicators:indicator_detail", kwargs={"code": old}))
        assert response.status_code == 301
        assert response["Location"] == reverse(
            "indicators:indicator_detail", kwargs={"code": "OP-IDEAS-RECEIVED"}
        )
    missing = client.get(reverse("indicators:indicator_detail", kwargs={"code": "nope"}))
    assert missing.status_code == 404


def test_the_migration_merges_two_definitions_of_one_measure(city: Any) -> None:
    # The state before 0004: the 0002 definition (no values, a staff target) and the one the
    # registry made (values).
    keeper = Indicator.objects.get(code="OP-IDEAS-RECEIVED")
    IndicatorCode.objects.filter(indicator=keeper).delete()
    Indicator.objects.filter(pk=keeper.pk).update(code="OP-ideas-received")
    Target.objects.create(indicator=keeper, fiscal_year=2031, value=900)
    made = Indicator.objects.create(
        code="ideas-received",
        name_ja="受け付けたアイデアの数",
        unit="cases",
        source="computed",
        kind="operational",
        order=500,
    )
    for year, value in ((2023, 40), (2024, 55)):
        Measurement.objects.create(
            indicator=made,
            fiscal_year=year,
            value=value,
            source="computed",
            as_of="2025-01-01T00:00:00+09:00",
        )
    _forward()
    _forward()  # idempotent
    (one,) = Indicator.objects.filter(code__in=["OP-IDEAS-RECEIVED", "ideas-received"])
    assert one.pk == keeper.pk and one.code == "OP-IDEAS-RECEIVED"
    assert sorted(one.measurements.values_list("fiscal_year", "value")) == [
        (2023, Decimal("40.00")),
        (2024, Decimal("55.00")),
    ]
    assert one.targets.get().value == 900
    assert set(one.former_codes.values_list("code", flat=True)) == {
        "ideas-received",
        "OP-ideas-received",
    }


def test_the_migration_makes_one_series_for_the_one_survey_question(city: Any) -> None:
    series, alias = (
        Indicator.objects.get(code="III-3"),
        Indicator.objects.get(code="III-1-supported"),
    )
    Indicator.objects.filter(pk=alias.pk).update(same_as=None)
    district = District.objects.first()
    for ind, year, value in ((series, 2023, 30), (alias, 2023, 31), (alias, 2024, 32)):
        Measurement.objects.create(
            indicator=ind,
            fiscal_year=year,
            value=value,
            source="survey",
            as_of="2025-01-01T00:00:00+09:00",
        )
    Measurement.objects.create(
        indicator=alias,
        fiscal_year=2024,
        district=district,
        value=9,
        source="survey",
        as_of="2025-01-01T00:00:00+09:00",
        is_demo=True,
    )
    Target.objects.create(indicator=alias, fiscal_year=2031, value=45)
    _forward()
    alias.refresh_from_db()
    assert alias.same_as_id == series.pk
    assert not alias.measurements.exists() and not alias.targets.exists()
    assert sorted(series.measurements.values_list("fiscal_year", "value")) == [
        (2023, Decimal("30.00")),
        (2024, Decimal("32.00")),
    ]
    # Where both had a value, III-3's stays and the other is kept in its history.
    kept = series.measurements.get(fiscal_year=2023)
    assert MeasurementChange.objects.filter(measurement=kept, old_value=31).exists()
    assert series.targets.get().value == 45


def test_both_plan_codes_of_the_survey_question_show_identical_values(
    client: Any, city: Any
) -> None:
    alias = Indicator.objects.get(code="III-1-supported")
    # Recording under either code records into the one series.
    measurement_record(indicator=alias, fiscal_year=2023, district=None, value=36.5, by=city)
    series = Indicator.objects.get(code="III-3")
    measurement_record(indicator=series, fiscal_year=2024, district=None, value=37.5, by=city)
    assert not alias.measurements.exists()
    a, b = indicator_views(
        city, indicators=Indicator.objects.filter(code__in=[alias.code, "III-3"])
    )
    assert [c.measurement.pk for c in a.city] == [c.measurement.pk for c in b.city]
    assert [c.value for c in a.city] == [Decimal("36.50"), Decimal("37.50")]
    client.force_login(city)
    pages = [
        client.get(reverse("indicators:indicator_detail", kwargs={"code": code})).content.decode()
        for code in ("III-1-supported", "III-3")
    ]
    for page in pages:
        assert "36.5%" in page and "37.5%" in page


def test_a_survey_file_with_a_former_or_alias_code_imports_into_the_series(city: Any) -> None:
    result = survey_import(
        text="code,fiscal_year,district,value\nIII-1-supported,2024,,41\n", by=city
    )
    assert result.ok
    assert Measurement.objects.get(indicator__code="III-3", fiscal_year=2024).value == 41


def test_no_value_for_a_fiscal_year_that_has_not_begun(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    nxt = current_fiscal_year() + 1
    if nxt <= 2031:
        with pytest.raises(ValidationError) as err:
            measurement_record(indicator=ind, fiscal_year=nxt, district=None, value=30, by=city)
        assert "まだ始まっていません" in str(err.value)
    result = survey_import(text=f"code,fiscal_year,district,value\nI-2,{nxt},,41\n", by=city)
    assert not result.ok


def test_fiscal_year_comes_from_the_date() -> None:
    assert current_fiscal_year(date(2026, 3, 31)) == 2025
    assert current_fiscal_year(date(2026, 4, 1)) == 2026
    assert last_survey_year(date(2026, 11, 29)) == 2025


def test_the_demo_has_no_value_after_the_current_fiscal_year(demo: Any) -> None:
    from indicators.demo import seed

    # A value an older demo made for a year to come is removed.
    Measurement.objects.bulk_create(
        [
            Measurement(
                indicator=Indicator.objects.get(code="I-2"),
                fiscal_year=2031,
                value=35,
                source="survey",
                as_of="2025-01-01T00:00:00+09:00",
                is_demo=True,
            )
        ]
    )
    seed(demo)
    current = current_fiscal_year()
    assert not Measurement.objects.filter(fiscal_year__gt=current).exists()
    surveyed = Measurement.objects.filter(indicator__source="survey")
    assert max(surveyed.values_list("fiscal_year", flat=True)) == min(last_survey_year(), 2031)
    # Targets for later years stay targets.
    assert Target.objects.filter(fiscal_year=2031).exists()


def test_the_open_data_lists_former_codes_and_the_shared_series(client: Any) -> None:
    import json

    meta = json.loads(client.get(reverse("indicators:export_json")).content)["metadata"]
    assert meta["codes"]["former"]["ideas-received"] == "OP-IDEAS-RECEIVED"
    assert meta["codes"]["former"]["consult_sheets_sent"] == "OP-SHEETS-SENT"
    assert meta["codes"]["same_series"] == {"III-1-supported": "III-3"}
    package = json.loads(client.get(reverse("indicators:datapackage")).content)
    fields = package["resources"][0]["schema"]["fields"]
    assert "metadata.codes" in fields[0]["description"]


def test_targets_edited_under_either_code_are_the_series_targets(client: Any, city: Any) -> None:
    client.force_login(city)
    url = reverse("indicators:indicator_edit", kwargs={"code": "III-1-supported"})
    alias = Indicator.objects.get(code="III-1-supported")
    data = {
        "name_ja": alias.name_ja,
        "name_en": alias.name_en,
        "direction": "up",
        "definition": alias.definition,
        "owner_department": alias.owner_department,
        "baseline_fiscal_year": "",
        "baseline_value": "",
        "targets_text": "2031,47",
    }
    assert client.post(url, data).status_code == 302
    assert not alias.targets.exists()
    assert Indicator.objects.get(code="III-3").targets.get().value == 47
    assert "2031,47" in client.get(url).content.decode()
    # A baseline belongs to the series too: refused here, with a message.
    response = client.post(url, {**data, "baseline_fiscal_year": "2022", "baseline_value": "30"})
    assert response.status_code == 200 and "III-3 で設定します" in response.content.decode()
