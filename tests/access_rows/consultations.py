"""Consultations: a record of the elderly agency, handed over to the disability agency.

Case records answer 404 to everyone outside the agencies concerned — residents, city staff
and the administrator included — so a URL never confirms that a case exists.
"""

from typing import Any

from tests.access import LOGIN, ROLES, Row, only


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
    Row(
        "consultations:overdue_board",
        only(["city", "admin"]),
        query="sort=movement&page=2",
        id="get:consultations:overdue_board:sorted",
    ),
    Row("consultations:overdue_summary", only(["city", "admin"])),
    Row(
        "consultations:overdue_summary",
        only(["city", "admin"], 400),
        query="year=1999&month=13",
        id="get:consultations:overdue_summary:bad-period",
    ),
    Row("consultations:overdue_summary_csv", only(["city", "admin"])),
    Row("consultations:access_log", only(["staff_elderly", "staff_disability"])),
]


def _conference(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import ConferenceFactory

    return {"pk": ConferenceFactory().pk}


def _outreach(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import OutreachFactory

    return {"pk": OutreachFactory().pk}


def _elderly_agency_id(users: dict[str, Any]) -> Any:
    from consultations.selectors import agency_of

    return agency_of(users["staff_elderly"]).pk  # type: ignore[union-attr]


STAFF_ONLY = ["staff_elderly", "staff_disability", "staff_other"]
PARTIES = {"staff_elderly": 302, "staff_disability": 302}

ROWS += [
    Row("consultations:conference_list", only(STAFF_ONLY)),
    Row("consultations:conference_create", only(STAFF_ONLY)),
    Row(
        "consultations:conference_detail",
        _for({"staff_elderly": 200, "staff_disability": 200}),
        kwargs=_conference,
    ),
    Row(
        "consultations:conference_record",
        _for({"staff_elderly": 302, "staff_disability": 403}),
        method="post",
        kwargs=_conference,
        data=lambda u: {"assessment": "見立て", "direction": "方向性", "decision": "continue"},
        notes="participants read; only the convening agency records",
    ),
    Row(
        "consultations:conference_task_add",
        _for(PARTIES),
        method="post",
        kwargs=_conference,
        data=lambda u: {"organization": _elderly_agency_id(u), "description": "訪問する"},
    ),
    Row(
        "consultations:conference_need_add",
        _for(PARTIES),
        method="post",
        kwargs=_conference,
        data=lambda u: {"description": "夜間に話せる居場所"},
    ),
    Row("consultations:missing_resources", only(["city", "admin"])),
    Row("consultations:outreach_list", only(["cwc"])),
    Row("consultations:outreach_create", only(["cwc"])),
    Row("consultations:outreach_detail", _for({"cwc": 200}), kwargs=_outreach),
    Row(
        "consultations:outreach_attempt_add",
        _for({"cwc": 302}),
        method="post",
        kwargs=_outreach,
        data=lambda u: {"on": "2026-11-01", "method": "visit", "reached": "on"},
    ),
    Row(
        "consultations:outreach_convert",
        _for({"cwc": 302}),
        method="post",
        kwargs=_outreach,
        data=lambda u: {
            "agency": _elderly_agency_id(u),
            "person_name": "見守り 一郎",
            "consent_method": "verbal",
        },
    ),
]

ROWS += [
    Row("consultations:consultation_consent", _for({"staff_elderly": 200}), kwargs=_consultation),
    Row(
        "consultations:consultation_consent",
        _for({"staff_elderly": 302}),
        method="post",
        id="post:consultations:consultation_consent",
        kwargs=_consultation,
        data=lambda u: {"consent_status": "given", "consent_method": "verbal"},
    ),
]


def _idea(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import TroubleIdeaFactory

    return {"pk": TroubleIdeaFactory().pk}


_HANDOFF = only(["coordinator", "cwc"])

ROWS += [
    Row("consultations:idea_handoff_list", _HANDOFF),
    Row("consultations:idea_handoff", _HANDOFF, kwargs=_idea),
    Row(
        "consultations:idea_handoff",
        {**_HANDOFF, "coordinator": 302, "cwc": 404},
        method="post",
        id="post:consultations:idea_handoff",
        kwargs=_idea,
        data=lambda u: {
            "agency": _elderly_agency_id(u),
            "person_name": "山田 花子",
            "consent_method": "verbal",
            "consent_confirmed": "on",
        },
        notes="once passed on, the idea is no longer a candidate: 404 for the next",
    ),
]


def _closed(users: dict[str, Any]) -> dict[str, Any]:
    from consultations import services
    from tests.factories import ConsultationFactory

    c = ConsultationFactory()
    services.consultation_close(consultation=c, by=users["staff_elderly"])
    return {"pk": c.pk}


def _edit_data(users: dict[str, Any]) -> dict[str, Any]:
    return {
        "person_name": "町田 太郎",
        "visitor": "self",
        "urgency": "high",
        "household-TOTAL_FORMS": "0",
        "household-INITIAL_FORMS": "0",
    }


# Edits after intake and the history (issue 13): the owning agency only; a receiving agency
# (staff_disability) and everyone else get a 404. A closed record is read, not edited (403).
ROWS += [
    Row("consultations:consultation_edit", _for({"staff_elderly": 200}), kwargs=_consultation),
    Row(
        "consultations:consultation_edit",
        _for({"staff_elderly": 302}),
        method="post",
        id="post:consultations:consultation_edit",
        kwargs=_consultation,
        data=_edit_data,
    ),
    Row(
        "consultations:consultation_edit",
        _for({"staff_elderly": 403}),
        kwargs=_closed,
        id="get:consultations:consultation_edit:closed",
        notes="a closed record is not edited",
    ),
    Row("consultations:consultation_history", _for({"staff_elderly": 200}), kwargs=_consultation),
]
