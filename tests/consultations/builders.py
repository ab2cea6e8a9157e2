"""Test objects: the elderly-care agency consults and hands over to the disability agency."""

from __future__ import annotations

from datetime import date
from typing import Any

from consultations import services
from consultations.models import Consultation, SharedField, SheetStatus, TsunaguSheet
from consultations.selectors import agency_of
from directory.models import District, Domain


def make_consultation(users: dict[str, Any], **overrides: Any) -> Consultation:
    staff = users["staff_elderly"]
    data: dict[str, Any] = {
        "person_name": "町田 太郎",
        "person_kana": "まちだ たろう",
        "birth_date": date(1948, 5, 1),
        "district": District.objects.get(code="machida-1"),
        "phone": "042-000-1234",
        "visitor": Consultation.Visitor.SELF,
        "troubles": ["care", "disability", "withdrawal"],
        "main_trouble": "care",
        "narrative": "自分の介護と、同居する息子のひきこもりについての相談。",
        "urgency": "normal",
        "consent_status": Consultation.ConsentStatus.GIVEN,
        "consent_method": Consultation.ConsentMethod.SIGNED,
        "consent_fields": [SharedField.NAME, SharedField.TROUBLES, SharedField.DISTRICT],
    }
    data.update(overrides)
    return services.consultation_create(
        agency=agency_of(staff),
        by=staff,
        data=data,
        consent_domains=list(Domain.objects.filter(code="disability")),
        household=[services.HouseholdRow(relation="長男", age=45, notes="ひきこもり")],
    )


def make_sheet(
    users: dict[str, Any],
    *,
    status: str = SheetStatus.SENT,
    consultation: Consultation | None = None,
) -> TsunaguSheet:
    staff = users["staff_elderly"]
    consultation = consultation or make_consultation(users)
    receiver = agency_of(users["staff_disability"])
    assert receiver is not None
    sheet = services.sheet_create(
        consultation=consultation,
        receiver=receiver,
        by=staff,
        reason="息子さんの障がいとひきこもりの支援をお願いしたい",
        shared_fields=[SharedField.NAME, SharedField.TROUBLES],
        urgency="high",
    )
    steps: dict[str, list[str]] = {
        SheetStatus.DRAFT: [],
        SheetStatus.SENT: [SheetStatus.SENT],
        SheetStatus.RECEIVED: [SheetStatus.SENT, SheetStatus.RECEIVED],
    }
    for to in steps[status]:
        who = staff if to == SheetStatus.SENT else users["staff_disability"]
        sheet = services.sheet_transition(sheet_id=sheet.pk, to=to, by=who, agency=agency_of(who))
    return sheet
