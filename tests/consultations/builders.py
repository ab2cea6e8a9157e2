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


def make_conference(users: dict[str, Any], **overrides: Any) -> Any:
    from directory.models import Organization

    staff = users["staff_elderly"]
    agency = agency_of(staff)
    assert agency is not None
    disability = agency_of(users["staff_disability"])
    assert disability is not None
    hospital = Organization.objects.get(name="町田みなみ病院 地域連携室")
    data: dict[str, Any] = {
        "title": "町田さん世帯の支援方針",
        "held_on": date.today(),
        "legal_basis": "layered",
        "agenda": "本人の介護と長男のひきこもりへの支援",
        "participants": [disability, hospital],
        "consultations": [make_consultation(users)],
    }
    data.update(overrides)
    return services.conference_create(convened_by=agency, by=staff, **data)


def make_outreach(users: dict[str, Any]) -> Any:
    from consultations.selectors import outreach_membership_of

    cwc = users["cwc"]
    membership = outreach_membership_of(cwc)
    assert membership is not None
    return services.outreach_create(
        organization=membership.organization,
        by=cwc,
        district=District.objects.get(code="tsurukawa"),
        household_tag="3丁目 青い屋根の一人暮らし",
        source="minsei",
        rhythm_days=7,
    )


def make_trouble_idea(users: dict[str, Any]) -> Any:
    from projects.models import Idea
    from projects.services import idea_create

    return idea_create(
        by=users["resident"],
        kind=Idea.Kind.TROUBLE,
        title="親の介護と仕事の両立がつらい",
        description="母の介護で仕事を休みがちです。誰に相談すればいいかわかりません。",
        district=District.objects.get(code="machida-1"),
    )
