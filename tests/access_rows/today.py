"""The lists the staff "today" page links to, with the filters it links with: the same
access as the unfiltered list (a filter never opens anything), bad values ignored."""

from tests.access import Row, everyone, only

AGENCY_STAFF = ["staff_elderly", "staff_disability", "staff_other"]
COORDINATORS = ["coordinator", "cwc", "admin"]

ROWS = [
    Row(
        "consultations:inbox",
        only(AGENCY_STAFF),
        query="tab=incoming&late=overdue",
        id="get:consultations:inbox:late-overdue",
    ),
    Row(
        "consultations:inbox",
        only(AGENCY_STAFF),
        query="tab=outgoing&late=stale",
        id="get:consultations:inbox:late-stale",
    ),
    Row(
        "consultations:inbox",
        only(AGENCY_STAFF),
        query="tab=incoming&late=%27%3B--",
        id="get:consultations:inbox:late-bad",
        notes="an unknown value: the form is invalid, the list unfiltered",
    ),
    Row(
        "consultations:conference_list",
        only(AGENCY_STAFF),
        query="tasks=due",
        id="get:consultations:conference_list:tasks-due",
    ),
    Row(
        "consultations:outreach_list",
        only(["cwc"]),
        query="due=1",
        id="get:consultations:outreach_list:due",
    ),
    Row(
        "projects:inbox",
        only(COORDINATORS),
        query="unanswered=on",
        id="get:projects:inbox:unanswered",
    ),
    Row(
        "future_sessions:calendar",
        everyone(200),
        query="week=1",
        id="get:future_sessions:calendar:week",
    ),
]
