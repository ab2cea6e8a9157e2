"""/api/hsds/: the directory as an Open Referral HSDS 3.0 API — public, read-only, the same
answer for everyone."""

from typing import Any

from tests.access import Row, everyone


def _service(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import Resource

    resource = Resource.objects.filter(is_active=True).order_by("id").first()
    return {"id": str(resource.uuid)}  # type: ignore[union-attr]


def _organization(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import Organization

    return {"id": str(Organization.objects.filter(is_active=True).order_by("id")[0].uuid)}


def _service_at_location(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import Resource

    resource = Resource.objects.filter(is_active=True, place__is_active=True).order_by("id")[0]
    return {"id": str(resource.service_at_location_uuid)}


ROWS = [
    Row("hsds:root", everyone(200)),
    Row("hsds:openapi", everyone(200)),
    Row("hsds:service_list", everyone(200)),
    Row("hsds:service_list", everyone(200), query="page=2&per_page=2", id="get:hsds:services:p2"),
    Row("hsds:service_detail", everyone(200), kwargs=_service),
    Row("hsds:organization_list", everyone(200)),
    Row("hsds:organization_detail", everyone(200), kwargs=_organization),
    Row("hsds:service_at_location_list", everyone(200)),
    Row("hsds:service_at_location_detail", everyone(200), kwargs=_service_at_location),
    Row("hsds:service_list", everyone(405), method="post", id="post:hsds:service_list"),
]
