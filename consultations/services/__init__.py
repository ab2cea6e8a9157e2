"""Writes for consultations and tsunagu sheets, by subdomain. Each change writes an access-log
row. ``from consultations import services; services.sheet_transition(...)`` keeps working:
this module re-exports every service."""

from __future__ import annotations

from .access_log import access_log_list, access_log_write
from .common import _morning_before
from .conferences import conference_create, conference_record, conference_task_add, unmet_need_add
from .consultations import (
    EDITABLE_FIELDS,
    HouseholdRow,
    consultation_close,
    consultation_consent_update,
    consultation_create,
    consultation_update,
    consultations_anonymize_closed,
)
from .handoff import idea_pass_to_agency
from .outreach import (
    outreach_anonymize_stale,
    outreach_attempt_add,
    outreach_convert,
    outreach_create,
)
from .sheets import (
    sheet_create,
    sheet_search_document,
    sheet_shared_data,
    sheet_transition,
)

__all__ = [
    "EDITABLE_FIELDS",
    "HouseholdRow",
    "_morning_before",
    "access_log_list",
    "access_log_write",
    "conference_create",
    "conference_record",
    "conference_task_add",
    "consultation_close",
    "consultation_consent_update",
    "consultation_create",
    "consultation_update",
    "consultations_anonymize_closed",
    "idea_pass_to_agency",
    "outreach_anonymize_stale",
    "outreach_attempt_add",
    "outreach_convert",
    "outreach_create",
    "sheet_create",
    "sheet_search_document",
    "sheet_shared_data",
    "sheet_transition",
    "unmet_need_add",
]
