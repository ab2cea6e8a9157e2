"""The public directory as Open Referral HSDS 3.0 objects (plain dicts, ready for JSON).

Mapping (issue 14):

- ``Organization`` → organization; ``Resource`` → service (status ``active``: only active
  rows are published); ``Place`` → location, with a structured Japanese address when the
  place has a postal code and an address; a resource at a place → service_at_location.
- ``District`` → a service area of each service (none chosen: the whole city);
  ``Domain`` and ``Theme`` → taxonomy terms of two taxonomies, attached as attributes.
- ``Resource.hours`` is free text: it becomes a schedule's ``description`` (the model has no
  structured opening hours). ``Resource.contact`` becomes a phone when it is a phone number,
  the service's ``email`` when it is an address. ``last_verified_on`` → ``assured_date``.

Identifiers are the rows' ``uuid`` (never the integer key); objects that are not rows of
their own (an address, a schedule, a service area, an attribute…) get a UUID derived with
``uuid5`` from their owner's, so they are as stable as the rows. A resource's
service_at_location has its own stored UUID (``Resource.service_at_location_uuid``): an API
is asked for it by id. Texts are Japanese, the
portal's source language, whatever the request's language. Only what the public pages show
is published: an organization's own e-mail address and phone number (used by the portal to
reach it) are not.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone, translation

from ..models import District, Domain, Mode, Organization, Place, Resource, Theme

# Namespace of the derived identifiers. Never change it: every derived id would change.
NAMESPACE = uuid.UUID("858fcd7a-5bed-40f9-bff9-02cc117521b3")
CITY = "町田市"
PREFECTURE = "東京都"
COUNTRY = "JP"

TAXONOMIES: dict[str, dict[str, str]] = {
    "domains": {
        "id": str(uuid.uuid5(NAMESPACE, "taxonomy:domains")),
        "name": "町田市地域福祉ポータル 支援分野",
        "description": (
            "相談支援機関と地域資源が対応する支援の分野（高齢、障がい、子ども・家庭など）。"
        ),
        "version": "1",
    },
    "themes": {
        "id": str(uuid.uuid5(NAMESPACE, "taxonomy:themes")),
        "name": "町田市地域福祉ポータル テーマ",
        "description": "アイデア・プロジェクト・セッション・地域資源に共通するテーマの一覧。",
        "version": "1",
    },
}

_PHONE = re.compile(r"^\+?[0-9０-９][0-9０-９\-‐－ ()（）]{5,19}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def derived_id(owner: uuid.UUID, what: str) -> str:
    return str(uuid.uuid5(owner, what))


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    """Drops empty values: HSDS fields are typed strings or numbers, never null."""
    return {k: v for k, v in obj.items() if v is not None and v != ""}


def _kind_label(organization: Organization) -> str:
    with translation.override("ja"):
        return str(Organization.Kind(organization.kind).label)


# --- taxonomy ---------------------------------------------------------------------------


def taxonomy_term(term: Domain | Theme) -> dict[str, Any]:
    taxonomy = TAXONOMIES["domains" if isinstance(term, Domain) else "themes"]
    return _clean(
        {
            "id": str(term.uuid),
            "code": term.code,
            "name": term.name_ja,
            "description": f"{taxonomy['name']}：{term.name_ja}",
            "taxonomy": taxonomy["name"],
            "taxonomy_id": taxonomy["id"],
            "taxonomy_detail": taxonomy,
            "language": "ja",
        }
    )


def attributes(owner: uuid.UUID, entity: str, terms: Iterable[Domain | Theme]) -> list[Any]:
    return [
        {
            "id": derived_id(owner, f"attribute:{term.uuid}"),
            "link_id": str(owner),
            "link_type": "classification",
            "link_entity": entity,
            "taxonomy_term_id": str(term.uuid),
            "taxonomy_term": taxonomy_term(term),
        }
        for term in terms
    ]


# --- organizations ------------------------------------------------------------------------


def organization_basic(organization: Organization) -> dict[str, Any]:
    """The one-to-one fields (``organization_list.json``)."""
    return _clean(
        {
            "id": str(organization.uuid),
            "name": organization.name,
            "description": _kind_label(organization),
        }
    )


def organization_full(
    organization: Organization, services: list[Resource], places: list[Place]
) -> dict[str, Any]:
    """``organization.json``: the organization with its services (one-to-one fields) and the
    places where they are offered. ``organization.domains`` must be prefetched."""
    return {
        **organization_basic(organization),
        "phones": [],
        "locations": [location_full(place) for place in places],
        "attributes": attributes(organization.uuid, "organization", organization.domains.all()),
        "services": [service_basic(resource) for resource in services],
    }


# --- locations ----------------------------------------------------------------------------


def address_1(place: Place) -> str:
    """The address after the city: the portal stores it without prefecture and city, but an
    entry may still start with them."""
    text = place.address.strip()
    for prefix in (PREFECTURE, CITY):
        text = text.removeprefix(prefix).strip()
    return text


def location_basic(place: Place) -> dict[str, Any]:
    organization = place.organization
    return _clean(
        {
            "id": str(place.uuid),
            "location_type": "virtual" if place.mode == Mode.ONLINE else "physical",
            "url": place.url,
            "organization_id": str(organization.uuid)
            if organization is not None and organization.is_active
            else None,
            "name": place.name,
        }
    )


def location_full(place: Place) -> dict[str, Any]:
    location = location_basic(place)
    addresses = []
    if place.mode != Mode.ONLINE and place.postal_code and address_1(place):
        addresses.append(
            {
                "id": derived_id(place.uuid, "address"),
                "location_id": location["id"],
                "address_1": address_1(place),
                "city": CITY,
                "state_province": PREFECTURE,
                "postal_code": place.postal_code,
                "country": COUNTRY,
                "address_type": "physical",
            }
        )
    accessibility = []
    if place.accessibility:
        accessibility.append(
            {
                "id": derived_id(place.uuid, "accessibility"),
                "location_id": location["id"],
                "description": place.accessibility,
            }
        )
    return {**location, "addresses": addresses, "accessibility": accessibility}


# --- services -----------------------------------------------------------------------------


def service_basic(resource: Resource) -> dict[str, Any]:
    """The one-to-one fields of a service (``service_list.json`` without ``organization``)."""
    contact = resource.contact.strip()
    return _clean(
        {
            "id": str(resource.uuid),
            "organization_id": str(resource.organization.uuid),
            "name": resource.name,
            "description": resource.description,
            "url": resource.url,
            "email": contact if _EMAIL.match(contact) else None,
            "status": "active",
            "fees_description": resource.fees,
            "eligibility_description": resource.eligibility,
            "assured_date": resource.last_verified_on.isoformat()
            if resource.last_verified_on
            else None,
            "last_modified": timezone.localtime(resource.updated_at).isoformat(timespec="seconds"),
        }
    )


def service_list_item(resource: Resource) -> dict[str, Any]:
    return {**service_basic(resource), "organization": organization_basic(resource.organization)}


def _phones(resource: Resource) -> list[dict[str, Any]]:
    contact = resource.contact.strip()
    if not _PHONE.match(contact):
        return []
    return [
        {
            "id": derived_id(resource.uuid, "phone"),
            "service_id": str(resource.uuid),
            "number": contact,
            "type": "voice",
        }
    ]


def _schedules(resource: Resource) -> list[dict[str, Any]]:
    if not resource.hours:
        return []
    return [
        {
            "id": derived_id(resource.uuid, "schedule"),
            "service_id": str(resource.uuid),
            "description": resource.hours,
        }
    ]


def service_areas(resource: Resource, districts: list[District]) -> list[dict[str, Any]]:
    if not districts:
        return [
            {
                "id": derived_id(resource.uuid, "service_area:city"),
                "service_id": str(resource.uuid),
                "name": f"{CITY}全域",
                "description": f"{PREFECTURE}{CITY}の全域",
            }
        ]
    return [
        {
            "id": derived_id(resource.uuid, f"service_area:{district.uuid}"),
            "service_id": str(resource.uuid),
            "name": district.name_ja,
            "description": f"{CITY}の{district.name_ja}地区（地区コード {district.code}）",
        }
        for district in districts
    ]


def published_place(resource: Resource) -> Place | None:
    place = resource.place
    return place if place is not None and place.is_active else None


def service_at_location_basic(resource: Resource, place: Place) -> dict[str, Any]:
    return {
        "id": str(resource.service_at_location_uuid),
        "service_id": str(resource.uuid),
        "location_id": str(place.uuid),
    }


def service_at_location_list_item(resource: Resource, place: Place) -> dict[str, Any]:
    """``service_at_location_list.json``: with the location's and the service's one-to-one
    fields."""
    return {
        **service_at_location_basic(resource, place),
        "location": location_basic(place),
        "service": service_list_item(resource),
    }


def service_at_location_full(resource: Resource, place: Place) -> dict[str, Any]:
    """``service_at_location.json``: the location in full, the service's schedules."""
    return {
        **service_at_location_basic(resource, place),
        "schedules": _schedules(resource),
        "phones": _phones(resource),
        "location": location_full(place),
        "service": service_list_item(resource),
    }


def service_full(resource: Resource) -> dict[str, Any]:
    """``service.json``: the service with everything the portal knows about it. Expects
    ``organization``, ``place`` and ``place__organization`` selected, ``districts``,
    ``domains`` and ``themes`` prefetched."""
    place = published_place(resource)
    locations = []
    if place is not None:
        locations.append(
            {**service_at_location_basic(resource, place), "location": location_full(place)}
        )
    terms: list[Domain | Theme] = [
        *resource.domains.all(),
        *(theme for theme in resource.themes.all() if theme.is_active),
    ]
    districts = [district for district in resource.districts.all() if district.is_active]
    return {
        **service_list_item(resource),
        "phones": _phones(resource),
        "schedules": _schedules(resource),
        "service_areas": service_areas(resource, districts),
        "service_at_locations": locations,
        "attributes": attributes(resource.uuid, "service", terms),
    }
