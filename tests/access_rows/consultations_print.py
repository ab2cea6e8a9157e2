"""Printing a case (issue 13, decision 0021): the print view and PDF of a tsunagu sheet answer
whoever may read the sheet (both agencies; a draft only its sender); the consent form only the
agency that owns the consultation. Everyone else gets a 404, as on the pages themselves."""

from typing import Any

from tests.access import LOGIN, ROLES, Row


def _consultation(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import ConsultationFactory

    return {"pk": ConsultationFactory().pk}


def _sheet(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import SheetFactory

    return {"pk": SheetFactory().pk}


def _draft(users: dict[str, Any]) -> dict[str, Any]:
    from consultations.models import SheetStatus
    from tests.factories import SheetFactory

    return {"pk": SheetFactory(status=SheetStatus.DRAFT).pk}


def _for(allowed: dict[str, int]) -> dict[str, int | str]:
    table: dict[str, int | str] = dict.fromkeys(ROLES, 404)
    table["anonymous"] = LOGIN
    table.update(allowed)
    return table


BOTH_SIDES = {"staff_elderly": 200, "staff_disability": 200}

ROWS = [
    Row("consultations:sheet_print", _for(BOTH_SIDES), kwargs=_sheet),
    Row("consultations:sheet_pdf", _for(BOTH_SIDES), kwargs=_sheet),
    Row(
        "consultations:sheet_print",
        _for({"staff_elderly": 200}),
        kwargs=_draft,
        id="get:consultations:sheet_print:draft",
        notes="a draft is invisible to the receiver",
    ),
    Row(
        "consultations:sheet_pdf",
        _for({"staff_elderly": 200}),
        kwargs=_draft,
        id="get:consultations:sheet_pdf:draft",
        notes="a draft is invisible to the receiver",
    ),
    Row(
        "consultations:consent_form_print",
        _for({"staff_elderly": 200}),
        kwargs=_consultation,
        notes="the receiving agency reads the sheet, never the consultation",
    ),
    Row("consultations:consent_form_pdf", _for({"staff_elderly": 200}), kwargs=_consultation),
]
