"""Case work pages, by subdomain. Objects are looked up through the agency-scoped selectors: a
record the reader's agency may not see answers 404, whoever asks."""

from __future__ import annotations

from .conferences import (
    conference_create,
    conference_detail,
    conference_list,
    conference_need_add,
    conference_record,
    conference_task_add,
)
from .consultations import (
    consultation_close,
    consultation_consent,
    consultation_create,
    consultation_detail,
    inbox,
)
from .handoff import idea_handoff, idea_handoff_list
from .outreach import (
    outreach_attempt_add,
    outreach_convert,
    outreach_create,
    outreach_detail,
    outreach_list,
)
from .oversight import access_log, missing_resources, overdue_board
from .printing import consent_form_pdf, consent_form_print, sheet_pdf, sheet_print
from .sheets import sheet_create, sheet_detail, sheet_transition

__all__ = [
    "access_log",
    "conference_create",
    "conference_detail",
    "conference_list",
    "conference_need_add",
    "conference_record",
    "conference_task_add",
    "consent_form_pdf",
    "consent_form_print",
    "consultation_close",
    "consultation_consent",
    "consultation_create",
    "consultation_detail",
    "idea_handoff",
    "idea_handoff_list",
    "inbox",
    "missing_resources",
    "outreach_attempt_add",
    "outreach_convert",
    "outreach_create",
    "outreach_detail",
    "outreach_list",
    "overdue_board",
    "sheet_create",
    "sheet_detail",
    "sheet_pdf",
    "sheet_print",
    "sheet_transition",
]
