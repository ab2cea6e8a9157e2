"""A coordinator's hand-off of a 困りごと to a consultation agency."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from directory.models import Organization

from .. import conf
from ..models import (
    Consultation,
    SharedField,
)
from .common import _tell_agency_staff
from .consultations import consultation_create


def idea_pass_to_agency(
    *,
    idea: Any,
    agency: Organization,
    by: Any,
    person_name: str,
    person_kana: str = "",
    phone: str = "",
    troubles: list[str] | None = None,
    consent_method: str,
) -> Consultation:
    """A 困りごと that is a personal welfare matter becomes a consultation at an agency, with
    the resident's consent. The idea's author is told only that it was passed on."""
    from projects.models import Idea
    from projects.services import idea_transition

    if idea.kind != Idea.Kind.TROUBLE:
        raise ValidationError(_("相談支援機関につなげるのは「困りごと」だけです。"))
    if agency.kind != Organization.Kind.CONSULTATION_AGENCY:
        raise ValidationError(_("つなぐ先は相談支援機関から選んでください。"))
    with transaction.atomic():
        consultation = consultation_create(
            agency=agency,
            by=by,
            data={
                "person_name": person_name,
                "person_kana": person_kana,
                "phone": phone,
                "district": idea.district,
                "visitor": Consultation.Visitor.OTHER,
                "visitor_relation": str(_("コーディネーターからのつなぎ")),
                "troubles": troubles or [],
                "narrative": idea.description[: conf.NARRATIVE_MAX_LENGTH],
                "consent_status": Consultation.ConsentStatus.GIVEN,
                "consent_method": consent_method,
                "consent_fields": list(SharedField.values),
                "source_idea": idea,
            },
            consent_agencies=[agency],
        )
        # Raises (and so rolls the consultation back) when the idea cannot move.
        idea_transition(
            idea=idea,
            to=Idea.Status.CONNECTED,
            by=by,
            message=str(_("相談支援機関におつなぎしました。担当者からご連絡します。")),
        )
        _tell_agency_staff(
            agency.pk,
            key=f"consultation:{consultation.pk}:from-idea:{{user}}",
            subject=_("コーディネーターから相談がつながりました"),
            body=_("相談 #%(id)s を確認してください。") % {"id": consultation.pk},
            url=reverse("consultations:consultation_detail", kwargs={"pk": consultation.pk}),
        )
    return consultation
