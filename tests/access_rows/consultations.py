"""Consultations: a record of the elderly agency, handed over to the disability agency.

Case records answer 404 to everyone outside the agencies concerned — residents, city staff
and the administrator included — so a URL never confirms that a case exists.
"""

from typing import Any

from tests.access import LOGIN, ROLES, Row, only


def _consultation(users: dict[str, Any]) -> dict[str, Any]:
    from tests.consultations.builders import make_consultation

    return {"pk": make_consultation(users).pk}


def _sheet(users: dict[str, Any]) -> dict[str, Any]:
    from tests.consultations.builders import make_sheet

    return {"pk": make_sheet(users).pk}


def _draft(users: dict[str, Any]) -> dict[str, Any]:
    from consultations.models import SheetStatus
    from tests.consultations.builders import make_sheet

    return {"pk": make_sheet(users, status=SheetStatus.DRAFT).pk}


def _for(allowed: dict[str, int], others: int = 404) -> dict[str, int | str]:
    table: dict[str, int | str] = {r: others for r in ROLES}
    table["anonymous"] = LOGIN
    table.update(allowed)
    return table


ROWS = [
    Row(
        "consultations:inbox",
        only(["staff_elderly", "staff_disability", "staff_other"]),
    ),
    Row(
        "consultations:consultation_create",
        only(["staff_elderly", "staff_disability", "staff_other"]),
    ),
    Row(
        "consultations:consultation_create",
        only(["staff_elderly", "staff_disability", "staff_other"]),
        method="post",
        id="post:consultations:consultation_create:invalid",
        data=lambda u: {"person_name": ""},
        notes="invalid form: the page again, nothing stored",
    ),
    Row("consultations:consultation_detail", _for({"staff_elderly": 200}), kwargs=_consultation),
    Row(
        "consultations:consultation_close",
        _for({"staff_elderly": 302}),
        method="post",
        kwargs=_consultation,
    ),
    Row("consultations:sheet_create", _for({"staff_elderly": 200}), kwargs=_consultation),
    Row(
        "consultations:sheet_detail",
        _for({"staff_elderly": 200, "staff_disability": 200}),
        kwargs=_sheet,
    ),
    Row(
        "consultations:sheet_detail",
        _for({"staff_elderly": 200}),
        kwargs=_draft,
        id="get:consultations:sheet_detail:draft",
        notes="a draft is invisible to the receiver",
    ),
    Row(
        "consultations:sheet_transition",
        _for({"staff_elderly": 302, "staff_disability": 302}),
        method="post",
        kwargs=_sheet,
        data=lambda u: {"to": "received"},
    ),
    Row("consultations:overdue_board", only(["city", "admin"])),
    Row("consultations:access_log", only(["staff_elderly", "staff_disability"])),
]
