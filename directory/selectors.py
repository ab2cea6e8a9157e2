from __future__ import annotations

from django.core.validators import slug_re
from django.db.models import Count, Q, QuerySet

from .models import District, Organization, Resource
from .policies import organization_scope, resource_scope


def active_district(code: str) -> District | None:
    """The active district a query string names, or ``None``. A code is a slug: anything
    else (a NUL, which PostgreSQL refuses, or a page's worth of text) is no district and
    never reaches the database."""
    if not code or len(code) > 30 or not slug_re.match(code):
        return None
    return District.objects.filter(code=code, is_active=True).first()


def districts_with_counts() -> QuerySet[District]:
    return District.objects.filter(is_active=True).annotate(
        organization_count=Count("organizations", filter=Q(organizations__is_active=True))
    )


def organizations_public(
    *, district: District | None = None, kind: str = ""
) -> QuerySet[Organization]:
    qs = organization_scope(None).prefetch_related("districts", "domains")
    if district is not None:
        qs = qs.filter(districts=district)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "id")


def resources_public(
    *, query: str = "", kind: str = "", district: District | None = None, domain_code: str = ""
) -> QuerySet[Resource]:
    from .search import search_filter

    qs = resource_scope(None)
    if kind:
        qs = qs.filter(kind=kind)
    if district is not None:
        # A resource with no districts serves the whole city.
        qs = qs.filter(Q(districts=district) | Q(districts__isnull=True))
    if domain_code:
        qs = qs.filter(domains__code=domain_code)
    if query:
        qs = search_filter(qs, query)
    return (
        qs.distinct()
        .select_related("organization", "place")
        .prefetch_related("districts", "domains")
        .order_by("name", "id")
    )
