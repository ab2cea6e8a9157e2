"""Writes for the resource directory."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reminders.services import reminder_schedule

from .models import Resource

VERIFY_EVERY_DAYS = 365


def resources_remind_verification(*, today: date | None = None) -> int:
    """Ask each owner once a year to check a resource's details (the key holds the year, so
    running this daily sends one reminder per resource per year)."""
    today = today or timezone.localdate()
    stale = Resource.objects.filter(is_active=True).filter(
        Q(last_verified_on__isnull=True)
        | Q(last_verified_on__lte=today - timedelta(days=VERIFY_EVERY_DAYS))
    )
    count = 0
    for resource in stale.select_related("organization").exclude(organization__email=""):
        reminder_schedule(
            kind="directory.resource_verify",
            key=f"resource:{resource.pk}:verify:{today.year}",
            due_at=timezone.now(),
            subject=_("地域資源の情報を確認してください"),
            body=_(
                "「%(name)s」の掲載内容（時間・連絡先・費用など）が今も正しいか確認してください。"
            )
            % {"name": resource.name},
            recipient_email=resource.organization.email,
            url=reverse("directory:resource_detail", kwargs={"pk": resource.pk}),
            about=resource,
        )
        count += 1
    return count


def resource_mark_verified(*, resource: Resource, today: date | None = None) -> Resource:
    resource.last_verified_on = today or timezone.localdate()
    resource.save(update_fields=["last_verified_on", "updated_at"])  # bumps the page caches
    return resource
