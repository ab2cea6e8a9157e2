"""Consultations, tsunagu sheets, conferences and outreach cases, made through
``consultations.services``: the elderly-care agency consults and hands over to the disability
agency. Defaults are the demo staff (``role_users["staff_elderly"]`` etc.)."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from consultations import services
from consultations.models import (
    Conference,
    Consultation,
    OutreachCase,
    SharedField,
    SheetStatus,
    TsunaguSheet,
)
from consultations.selectors import agency_of, outreach_membership_of
from directory.models import Domain, Organization

from .accounts import demo_user
from .base import ServiceFactory
from .directory import district


def _agency(user: Any) -> Organization:
    agency = agency_of(user)
    assert agency is not None, f"{user} is not staff of an agency"
    return agency


class ConsultationFactory(ServiceFactory[Consultation]):
    """A consultation by 町田 太郎 (care, disability, withdrawal) with consent given for the
    disability domain, and one household row. Every other keyword is a consultation field."""

    class Meta:
        model = Consultation

    by = factory.LazyFunction(lambda: demo_user("staff_elderly"))
    agency = factory.LazyAttribute(lambda o: _agency(o.by))
    consent_domains = factory.LazyFunction(lambda: list(Domain.objects.filter(code="disability")))
    household = factory.LazyFunction(
        lambda: [services.HouseholdRow(relation="長男", age=45, notes="ひきこもり")]
    )
    person_name = "町田 太郎"
    person_kana = "まちだ たろう"
    birth_date = date(1948, 5, 1)
    district = factory.LazyFunction(lambda: district("machida-1"))
    phone = "042-000-1234"
    visitor = Consultation.Visitor.SELF
    troubles = factory.LazyFunction(lambda: ["care", "disability", "withdrawal"])
    main_trouble = "care"
    narrative = "自分の介護と、同居する息子のひきこもりについての相談。"
    urgency = "normal"
    consent_status = Consultation.ConsentStatus.GIVEN
    consent_method = Consultation.ConsentMethod.SIGNED
    consent_fields = factory.LazyFunction(
        lambda: [SharedField.NAME, SharedField.TROUBLES, SharedField.DISTRICT]
    )

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Consultation:
        return services.consultation_create(
            agency=kwargs.pop("agency"),
            by=kwargs.pop("by"),
            consent_domains=kwargs.pop("consent_domains"),
            household=kwargs.pop("household"),
            data=kwargs,
        )


# The moves that bring a new sheet to ``status``, and who (sender or receiver) makes each.
_SHEET_PATH: dict[str, list[str]] = {
    SheetStatus.DRAFT: [],
    SheetStatus.SENT: [SheetStatus.SENT],
    SheetStatus.RECEIVED: [SheetStatus.SENT, SheetStatus.RECEIVED],
}


class SheetFactory(ServiceFactory[TsunaguSheet]):
    """A tsunagu sheet from the elderly-care agency (``by``) to the agency of
    ``receiver_staff`` (the demo disability staff), moved to ``status`` (draft, sent or
    received) through ``sheet_transition``, sender and receiver each making their own move.
    Other keywords (``legal_basis``, ``support_meeting_note`` …) go to ``sheet_create``."""

    class Meta:
        model = TsunaguSheet

    by = factory.LazyFunction(lambda: demo_user("staff_elderly"))
    consultation = factory.SubFactory(ConsultationFactory, by=factory.SelfAttribute("..by"))
    receiver_staff = factory.LazyFunction(lambda: demo_user("staff_disability"))
    receiver = factory.LazyAttribute(lambda o: _agency(o.receiver_staff))
    reason = "息子さんの障がいとひきこもりの支援をお願いしたい"
    shared_fields = factory.LazyFunction(lambda: [SharedField.NAME, SharedField.TROUBLES])
    urgency = "high"
    status = SheetStatus.SENT

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> TsunaguSheet:
        status = kwargs.pop("status")
        receiver_staff = kwargs.pop("receiver_staff")
        sheet = services.sheet_create(**kwargs)
        for to in _SHEET_PATH[status]:
            who = kwargs["by"] if to == SheetStatus.SENT else receiver_staff
            sheet = services.sheet_transition(
                sheet_id=sheet.pk, to=to, by=who, agency=agency_of(who)
            )
        return sheet


class ConferenceFactory(ServiceFactory[Conference]):
    """A layered-support conference held today by the elderly-care agency with the disability
    agency and the hospital, about one new consultation."""

    class Meta:
        model = Conference

    by = factory.LazyFunction(lambda: demo_user("staff_elderly"))
    convened_by = factory.LazyAttribute(lambda o: _agency(o.by))
    title = "町田さん世帯の支援方針"
    held_on = factory.LazyFunction(date.today)
    legal_basis = "layered"
    agenda = "本人の介護と長男のひきこもりへの支援"
    participants = factory.LazyFunction(
        lambda: [
            _agency(demo_user("staff_disability")),
            Organization.objects.get(name="町田みなみ病院 地域連携室"),
        ]
    )
    consultations = factory.LazyAttribute(lambda o: [ConsultationFactory(by=o.by)])

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Conference:
        return services.conference_create(**kwargs)


class OutreachFactory(ServiceFactory[OutreachCase]):
    """An outreach case of the demo community welfare coordinator's organization."""

    class Meta:
        model = OutreachCase

    by = factory.LazyFunction(lambda: demo_user("cwc"))
    organization = factory.LazyAttribute(lambda o: _outreach_organization(o.by))
    district = factory.LazyFunction(lambda: district("tsurukawa"))
    household_tag = "3丁目 青い屋根の一人暮らし"
    source = "minsei"
    rhythm_days = 7

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> OutreachCase:
        return services.outreach_create(**kwargs)


def _outreach_organization(user: Any) -> Organization:
    membership = outreach_membership_of(user)
    assert membership is not None, f"{user} does outreach for no organization"
    return membership.organization
