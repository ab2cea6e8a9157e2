"""Thin Celery tasks; add them to the beat schedule to run daily."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def anonymize_retention() -> tuple[int, int]:
    return services.consultations_anonymize_closed(), services.outreach_anonymize_stale()
