"""生年月日 entered as 和暦 or 西暦 on intake (and on the same form when editing), shown as
「昭和16年3月5日（85歳）」."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consultations.forms import ConsultationForm
from consultations.models import Consultation, SharedField, SheetStatus
from consultations.services import sheet_shared_data
from machida_portal.wareki import age_on
from tests.factories import ConsultationFactory, SheetFactory

pytestmark = pytest.mark.django_db


def _intake(client: Any, **birth: str) -> Any:
    return client.post(
        reverse("consultations:consultation_create"),
        {
            "person_name": "和暦 はなこ",
            "visitor": "self",
            "urgency": "normal",
            "consent_status": "pending",
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
            **{f"birth_date_{k}": v for k, v in birth.items()},
        },
    )


@pytest.mark.parametrize(
    "birth",
    [
        {"era": "showa", "year": "16", "month": "3", "day": "5"},
        {"era": "showa", "year": "１６", "month": "３", "day": "５"},
        {"era": "western", "year": "1941", "month": "3", "day": "5"},
        {"era": "showa", "year": "昭和16年3月5日", "month": "", "day": ""},
        {"era": "heisei", "year": "S16.3.5", "month": "", "day": ""},
        {"era": "showa", "year": "1941-03-05", "month": "", "day": ""},
    ],
    ids=["picker", "full-width", "western", "typed-ja", "typed-letter", "typed-iso"],
)
def test_intake_takes_the_birth_date_in_wareki_or_western(
    users: dict[str, Any], client: Any, birth: dict[str, str]
) -> None:
    client.force_login(users["staff_elderly"])
    r = _intake(client, **birth)
    assert r.status_code == 302, r.content.decode()[-3000:]
    assert Consultation.objects.get().birth_date == date(1941, 3, 5)


def test_gannen_is_accepted(users: dict[str, Any], client: Any) -> None:
    client.force_login(users["staff_elderly"])
    assert _intake(client, era="heisei", year="元", month="1", day="8").status_code == 302
    assert Consultation.objects.get().birth_date == date(1989, 1, 8)


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        ({"era": "heisei", "year": "32", "month": "1", "day": "1"}, "平成は元年から31年までです"),
        ({"era": "heisei", "year": "1", "month": "1", "day": "7"}, "平成ではありません"),
        ({"era": "showa", "year": "16", "month": "2", "day": "30"}, "その日付はありません"),
        (
            {"era": "showa", "year": "16", "month": "3", "day": ""},
            "年・月・日をすべて入れてください",
        ),
        ({"era": "showa", "year": "十六", "month": "3", "day": "5"}, "数字で入れてください"),
        ({"era": "showa", "year": "そのうち", "month": "", "day": ""}, "日付として読めません"),
        ({"era": "showa", "year": "16", "month": "三", "day": "5"}, "数字で入れてください"),
        ({"era": "taisho", "year": "1", "month": "7", "day": "1"}, "大正ではありません"),
        ({"era": "meiji", "year": "32", "month": "1", "day": "1"}, "までの日付にしてください"),
        ({"era": "reiwa", "year": "30", "month": "1", "day": "1"}, "までの日付にしてください"),
        ({"era": "edo", "year": "3", "month": "1", "day": "1"}, "元号を選んでください"),
    ],
)
def test_an_impossible_birth_date_is_refused_with_a_reason_and_nothing_stored(
    users: dict[str, Any], client: Any, birth: dict[str, str], message: str
) -> None:
    client.force_login(users["staff_elderly"])
    r = _intake(client, **birth)
    assert r.status_code == 200
    body = r.content.decode()
    assert message in body
    assert not Consultation.objects.exists()
    # What was typed comes back to be corrected.
    if birth["year"]:
        assert f'value="{birth["year"]}"' in body


def test_the_refusal_is_in_english_for_an_english_reader(
    users: dict[str, Any], client: Any
) -> None:
    client.force_login(users["staff_elderly"])
    client.cookies.load({"django_language": "en"})
    body = _intake(client, era="heisei", year="32", month="1", day="1").content.decode()
    assert "runs from year 1 to year 31" in body
    assert not Consultation.objects.exists()


def test_the_field_is_a_fieldset_with_a_legend_and_labelled_boxes(
    users: dict[str, Any], client: Any
) -> None:
    client.force_login(users["staff_elderly"])
    body = client.get(reverse("consultations:consultation_create")).content.decode()
    start = body.index('id="div_id_birth_date"')
    part = body[start : body.index("</fieldset>", start)]
    assert "<fieldset" in part and "<legend" in part and "生年月日" in part
    for i, (sub, label) in enumerate(
        (("era", "元号"), ("year", "年"), ("month", "月"), ("day", "日"))
    ):
        assert f'for="id_birth_date_{i}">{label}</label>' in part
        assert f'name="birth_date_{sub}"' in part and f'id="id_birth_date_{i}"' in part
    assert '<option value="showa" selected>昭和</option>' in part
    assert 'inputmode="numeric"' in part


def test_editing_shows_the_stored_date_in_its_era(users: dict[str, Any]) -> None:
    c = ConsultationFactory(birth_date=date(1989, 1, 8))
    html = str(ConsultationForm(instance=c)["birth_date"])
    assert '<option value="heisei" selected>' in html
    assert 'name="birth_date_year" value="1"' in html
    assert 'name="birth_date_month" value="1"' in html
    assert 'name="birth_date_day" value="8"' in html
    form = ConsultationForm(
        instance=c,
        data={
            "person_name": c.person_name,
            "visitor": "self",
            "urgency": "normal",
            "consent_status": "pending",
            "birth_date_era": "heisei",
            "birth_date_year": "1",
            "birth_date_month": "1",
            "birth_date_day": "8",
        },
    )
    assert form.is_valid(), form.errors
    assert "birth_date" not in form.changed_data


def test_the_case_page_shows_the_era_date_and_the_age_today(
    users: dict[str, Any], client: Any
) -> None:
    born = date(1941, 3, 5)
    c = ConsultationFactory(birth_date=born)
    age = age_on(born, timezone.localdate())
    client.force_login(users["staff_elderly"])
    url = reverse("consultations:consultation_detail", kwargs={"pk": c.pk})
    assert f"昭和16年3月5日（{age}歳）" in client.get(url).content.decode()
    client.cookies.load({"django_language": "en"})
    assert f"March 5, 1941 (Shōwa 16) (age {age})" in client.get(url).content.decode()


def test_a_handed_over_birth_date_reads_in_its_era(users: dict[str, Any]) -> None:
    c = ConsultationFactory(
        birth_date=date(1941, 3, 5),
        consent_fields=[SharedField.NAME, SharedField.BIRTH_DATE, SharedField.TROUBLES],
    )
    sheet = SheetFactory(
        consultation=c,
        status=SheetStatus.SENT,
        shared_fields=[SharedField.NAME, SharedField.BIRTH_DATE],
    )
    with translation.override("ja"):
        values = dict(sheet_shared_data(sheet, for_sender=True))
    assert str(values["生年月日"]).startswith("昭和16年3月5日（")
