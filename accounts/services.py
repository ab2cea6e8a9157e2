from __future__ import annotations

from typing import Any

from .models import PersonalDataView, User


def personal_data_viewed(
    *, viewer: User, subject: User | None, context: str, path: str = ""
) -> PersonalDataView | None:
    """Record that ``viewer`` saw ``subject``'s personal data. People reading their own are
    not recorded."""
    if subject is not None and viewer.pk == subject.pk:
        return None
    return PersonalDataView.objects.create(
        viewer=viewer, subject=subject, context=context[:100], path=path[:300]
    )


def personal_data_viewed_from_request(
    request: Any, *, subject: User | None, context: str
) -> PersonalDataView | None:
    return personal_data_viewed(
        viewer=request.user, subject=subject, context=context, path=request.get_full_path()
    )
