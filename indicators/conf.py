"""Tunables of the indicators app (read from Django settings, with these defaults)."""

from __future__ import annotations

from django.conf import settings

# The plan's fiscal years (Japanese 年度, April–March).
PLAN_FIRST_FISCAL_YEAR: int = getattr(settings, "INDICATORS_PLAN_FIRST_FISCAL_YEAR", 2022)
PLAN_LAST_FISCAL_YEAR: int = getattr(settings, "INDICATORS_PLAN_LAST_FISCAL_YEAR", 2031)
# District survey cells with fewer respondents than this are not shown (privacy, and noise).
MIN_DISTRICT_SAMPLE: int = getattr(settings, "INDICATORS_MIN_DISTRICT_SAMPLE", 30)
# Largest CSV the import accepts.
MAX_IMPORT_BYTES: int = getattr(settings, "INDICATORS_MAX_IMPORT_BYTES", 1_000_000)
