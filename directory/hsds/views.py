"""The resource directory as a read-only Open Referral HSDS 3.0 API (issue 14).

Plain Django views returning JSON: seven GET endpoints need no framework. Public data only:
what the anonymous user's scope returns (``resource_scope``), of active organizations; the
consultations app, staff and memberships are never read here. Lists are paginated as the
specification's OpenAPI description says (``page``, ``per_page``; ``total_items``,
``total_pages``, ``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``,
``contents``). Anonymous responses are cached in the ``directory`` scope.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from datetime import datetime, time
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from machida_portal.public_cache import cache_public_page

from ..models import Organization, Place, Resource
from ..policies import organization_scope, resource_scope
from . import conf, documents

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
HSDS_VERSION = "3.0"
# The paths of the specification's OpenAPI description this API implements.
IMPLEMENTED_PATHS = (
    "/",
    "/services",
    "/services/{id}",
    "/organizations",
    "/organizations/{id}",
    "/service_at_locations",
    "/service_at_locations/{id}",
)
COMPILED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled/"


class BadRequest(Exception):
    pass


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(status: int, message: str) -> JsonResponse:
    return _json({"status": status, "error": message}, status=status)


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only; JSON errors; readable from any origin (public data, no credentials). The
    CORS header is added outside the page cache, which keeps only the body."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except BadRequest as exc:
            response = _error(400, str(exc))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return require_GET(wrapped)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _positive_int(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise BadRequest(f"{name} must be a positive integer")
    return int(raw)


def paginated(request: HttpRequest, qs: QuerySet[Any], item: Callable[[Any], Any]) -> JsonResponse:
    page_number = _positive_int(request, "page", 1)
    per_page = min(_positive_int(request, "per_page", conf.PAGE_SIZE), conf.MAX_PAGE_SIZE)
    paginator = Paginator(qs, per_page)
    total = paginator.count
    if page_number > paginator.num_pages:
        return _error(404, "page out of range")
    page = paginator.page(page_number)
    contents = [item(row) for row in page.object_list]
    return _json(
        {
            "total_items": total,
            "total_pages": paginator.num_pages,
            "page_number": page_number,
            "size": len(contents),
            "first_page": page_number == 1,
            "last_page": page_number == paginator.num_pages,
            "empty": total == 0,
            "contents": contents,
        }
    )


# --- what is published ----------------------------------------------------------------------


def published_services() -> QuerySet[Resource]:
    """The public scope of resources (active, of active organizations)."""
    return resource_scope(None, "view")


def published_organizations() -> QuerySet[Organization]:
    return organization_scope(None, "view")


def _service_filters(request: HttpRequest, qs: QuerySet[Resource]) -> QuerySet[Resource]:
    """The OpenAPI's filters the portal supports: ``search``, ``organization_id``,
    ``taxonomy_term_id``, ``taxonomy_id``, ``modified_after``."""
    from ..search import search_filter

    query = request.GET.get("search", "")[:100]
    if query:
        qs = search_filter(qs, query)
    for name, lookup in (("organization_id", "organization__uuid"),):
        if request.GET.get(name):
            value = _uuid(request.GET[name])
            qs = qs.filter(**{lookup: value}) if value else qs.none()
    if request.GET.get("taxonomy_term_id"):
        term = _uuid(request.GET["taxonomy_term_id"])
        qs = (
            qs.filter(Q(domains__uuid=term) | Q(themes__uuid=term, themes__is_active=True))
            if term
            else qs.none()
        )
    taxonomy = request.GET.get("taxonomy_id", "")
    if taxonomy == documents.TAXONOMIES["domains"]["id"]:
        qs = qs.filter(domains__isnull=False)
    elif taxonomy == documents.TAXONOMIES["themes"]["id"]:
        qs = qs.filter(themes__is_active=True)
    elif taxonomy:
        qs = qs.none()
    if request.GET.get("modified_after"):
        raw = request.GET["modified_after"]
        try:
            moment = parse_datetime(raw)
            day = None if moment else parse_date(raw)
        except ValueError:
            moment = day = None
        if moment is None:
            if day is None:
                raise BadRequest("modified_after must be an ISO 8601 date or date-time")
            moment = timezone.make_aware(datetime.combine(day, time.min))
        elif timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        qs = qs.filter(updated_at__gte=moment)
    return qs.distinct()


_FULL_SERVICE = ("organization", "place", "place__organization")
_SERVICE_TERMS = ("districts", "domains", "themes")


# --- endpoints ------------------------------------------------------------------------------


@api_view
@cache_public_page("directory")
def root(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "version": HSDS_VERSION,
            "profile": conf.PROFILE_URL,
            "openapi_url": _absolute(reverse("hsds:openapi")),
        }
    )


@cache
def _spec_openapi() -> dict[str, Any]:
    return dict(json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8")))


def openapi_document() -> dict[str, Any]:
    """The specification's OpenAPI description, with this API's details filled in and the
    paths it does not implement removed."""
    spec = copy.deepcopy(_spec_openapi())
    spec["info"] = {
        "title": "町田市地域福祉ポータル 地域資源ディレクトリ API（Open Referral HSDS 3.0）",
        "version": "1.0",
        "description": (
            "町田市地域福祉ポータルに掲載している地域資源・支援メニュー・居場所と提供団体を、"
            "Open Referral HSDS 3.0 の形で読み出す API です（読み取り専用・公開情報のみ）。"
        ),
        "license": {
            "name": "Open Referral HSDS schemas: CC BY-SA 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
    }
    spec["servers"] = [{"url": _absolute(reverse("hsds:root")).rstrip("/")}]
    spec["paths"] = {p: v for p, v in spec["paths"].items() if p in IMPLEMENTED_PATHS}
    # The specification points /service_at_locations/{id} at service.json; what it returns
    # is a service_at_location.
    detail = spec["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    detail["content"]["application/json"]["schema"] = {
        "$ref": COMPILED + "service_at_location.json"
    }
    return spec


@api_view
@cache_public_page("directory")
def openapi(request: HttpRequest) -> HttpResponse:
    return _json(openapi_document())


@api_view
@cache_public_page("directory")
def service_list(request: HttpRequest) -> HttpResponse:
    qs = _service_filters(request, published_services())
    qs = qs.select_related("organization").order_by("name", "id")
    return paginated(request, qs, documents.service_list_item)


@api_view
@cache_public_page("directory")
def service_detail(request: HttpRequest, id: str) -> HttpResponse:
    key = _uuid(id)
    resource = (
        published_services()
        .select_related(*_FULL_SERVICE)
        .prefetch_related(*_SERVICE_TERMS)
        .filter(uuid=key)
        .first()
        if key
        else None
    )
    if resource is None:
        return _error(404, "no such service")
    return _json(documents.service_full(resource))


@api_view
@cache_public_page("directory")
def organization_list(request: HttpRequest) -> HttpResponse:
    qs = published_organizations()
    query = request.GET.get("search", "")[:100]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(name_kana__icontains=query))
    return paginated(request, qs.order_by("name", "id"), documents.organization_basic)


@api_view
@cache_public_page("directory")
def organization_detail(request: HttpRequest, id: str) -> HttpResponse:
    key = _uuid(id)
    organization = (
        published_organizations().prefetch_related("domains").filter(uuid=key).first()
        if key
        else None
    )
    if organization is None:
        return _error(404, "no such organization")
    services = list(
        published_services()
        .filter(organization=organization)
        .select_related("organization", "place", "place__organization")
        .order_by("name", "id")
    )
    places: dict[int, Place] = {}
    for resource in services:
        place = documents.published_place(resource)
        if place is not None:
            places.setdefault(place.pk, place)
    return _json(documents.organization_full(organization, services, list(places.values())))


def _services_at_places() -> QuerySet[Resource]:
    return published_services().filter(place__isnull=False, place__is_active=True)


@api_view
@cache_public_page("directory")
def service_at_location_list(request: HttpRequest) -> HttpResponse:
    qs = _service_filters(request, _services_at_places())
    postcode = request.GET.get("postcode", "")
    if postcode:
        qs = qs.filter(place__postal_code=postcode[:8])
    qs = qs.select_related("organization", "place", "place__organization").order_by("name", "id")
    return paginated(request, qs, lambda r: documents.service_at_location_list_item(r, r.place))


@api_view
@cache_public_page("directory")
def service_at_location_detail(request: HttpRequest, id: str) -> HttpResponse:
    key = _uuid(id)
    resource = (
        _services_at_places()
        .select_related("organization", "place", "place__organization")
        .filter(service_at_location_uuid=key)
        .first()
        if key
        else None
    )
    if resource is None or resource.place is None:
        return _error(404, "no such service_at_location")
    return _json(documents.service_at_location_full(resource, resource.place))
