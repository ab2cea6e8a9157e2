from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import District, Organization


def districts_with_counts() -> QuerySet[District]:
    return District.objects.filter(is_active=True).annotate(
        organization_count=Count("organizations", filter=Q(organizations__is_active=True))
    )


def organizations_public(
    *, district: District | None = None, kind: str = ""
) -> QuerySet[Organization]:
    qs = Organization.objects.filter(is_active=True).prefetch_related("districts", "domains")
    if district is not None:
        qs = qs.filter(districts=district)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "id")
