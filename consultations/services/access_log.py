"""The access log: one row for every read or change of a case record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from directory.models import Organization
from machida_portal.request_context import current_path

from ..models import (
    AccessLog,
)


def access_log_write(
    *,
    user: Any,
    agency: Organization | None,
    owner_agency: Organization | None,
    action: str,
    obj: Model,
) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        agency=agency,
        owner_agency=owner_agency,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        path=current_path()[:300],  # never the query string: a name search is not logged
    )


def access_log_list(
    *,
    user: Any,
    agency: Organization | None,
    shown: Iterable[tuple[Model, int | None]],
) -> int:
    """Log the records a list, a search or the duplicate hints named, each with the id of the
    agency that owns it (so its supervisors see the read): one row per record, one insert
    whatever the page size, none when the page named nobody."""
    rows = [
        AccessLog(
            user=user,
            agency=agency,
            owner_agency_id=owner_id,
            action=AccessLog.Action.LIST,
            object_type=obj._meta.model_name or "",
            object_id=obj.pk,
            path=current_path()[:300],  # never the query string: a name search is not logged
        )
        for obj, owner_id in shown
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)
