"""Thin Celery tasks for the directory; add them to the beat schedule to run daily."""

from __future__ import annotations

from celery import shared_task

from .services import resources_remind_verification


@shared_task(ignore_result=True)
def remind_resource_verification() -> int:
    return resources_remind_verification()
