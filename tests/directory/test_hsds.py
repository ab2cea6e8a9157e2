"""The resource directory as an Open Referral HSDS 3.0 API (issue 14): every response is
validated against the specification's schemas with jsonschema (tests/directory/hsds_check.py)."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import District, Domain, Organization, Place, Resource, Theme
from tests.factories import OrganizationFactory, PlaceFactory, ResourceFactory

from .hsds_check import check_object, check_page, check_root

pytestmark = pytest.mark.django_db

LISTS = {
    "hsds:service_list": "service_list.json",
    "hsds:organization_list": "organization_list.json",
    "hsds:service_at_location_list": "service_at_location_list.json",
}
DETAILS = {
    "hsds:service_detail": ("service.json", "service_with_definitions.json"),
    "hsds:organization_detail": ("organization.json",),
    "hsds:service_at_location_detail": ("service_at_location.json",),
}
DETAIL_OF_LIST = {
    "hsds:service_list": "hsds:service_detail",
    "hsds:organization_list": "hsds:organization_detail",
    "hsds:service_at_location_list": "hsds:service_at_location_detail",
}


def get_json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def directory() -> dict[str, Any]:
    """A small directory: a resource at a place with everything filled in, one city-wide
    resource, and rows that must never be published."""
    org = OrganizationFactory(
        name="NPO法人 つるかわ食堂",
        kind=Organization.Kind.NPO,
        email="private-org-mail@example.jp",
        phone="090-9999-0000",
    )
    org.domains.set(Domain.objects.filter(code="children"))
    place = PlaceFactory(
        name="つるかわ公民館",
        organization=org,
        district=District.objects.get(code="tsurukawa"),
        address="東京都町田市能ヶ谷1-2-1",
        postal_code="195-0053",
        accessibility="車いす用トイレあり",
    )
    full = ResourceFactory(
        name="こども食堂つるかわ",
        kind=Resource.Kind.DROP_IN,
        organization=org,
        place=place,
        description="子どもも大人も一緒にごはん。",
        eligibility="どなたでも",
        hours="毎週水曜 17:00〜19:30",
        contact="042-735-0000",
        fees="子ども無料、大人300円",
        url="https://example.jp/shokudo",
        last_verified_on=date(2026, 4, 1),
        domains=["children"],
    )
    full.districts.set(District.objects.filter(code__in=["tsurukawa", "oyama"]))
    full.themes.set(Theme.objects.filter(code__in=["food", "ibasho"]))
    citywide = ResourceFactory(name="くらしの相談", contact="soudan@example.jp")
    hidden_org = OrganizationFactory(name="休止中の団体", is_active=False)
    hidden = {
        "inactive resource": ResourceFactory(name="終了した資源", is_active=False),
        "resource of an inactive organization": ResourceFactory(
            name="休止団体の資源", organization=hidden_org
        ),
    }
    closed_place = PlaceFactory(name="閉鎖した会場", is_active=False, postal_code="194-0013")
    at_closed = ResourceFactory(name="閉鎖会場の教室", place=closed_place)
    return {
        "org": org,
        "place": place,
        "full": full,
        "citywide": citywide,
        "hidden": hidden,
        "hidden_org": hidden_org,
        "closed_place": closed_place,
        "at_closed": at_closed,
    }


def walk(client: Client) -> dict[str, Any]:
    """Every response of the API: the root, the OpenAPI description, each list page by page
    (two items a page), each item's detail. Validates each against the spec's schemas."""
    seen: dict[str, Any] = {}
    root = get_json(client, reverse("hsds:root"))
    check_root(root)
    seen[reverse("hsds:root")] = root
    for name, schema in LISTS.items():
        page_number = 1
        while True:
            url = reverse(name) + f"?per_page=2&page={page_number}"
            page = get_json(client, url)
            check_page(schema, page)
            seen[url] = page
            for item in page["contents"]:
                detail_url = reverse(DETAIL_OF_LIST[name], kwargs={"id": item["id"]})
                detail = get_json(client, detail_url)
                for detail_schema in DETAILS[DETAIL_OF_LIST[name]]:
                    check_object(detail_schema, detail)
                seen[detail_url] = detail
            if page["last_page"]:
                break
            page_number += 1
    return seen


def test_every_response_validates_against_the_hsds_schemas(demo: Any) -> None:
    directory()
    seen = walk(Client())
    services = [p for u, p in seen.items() if u.startswith(reverse("hsds:service_list") + "?")]
    assert (
        services[0]["total_items"]
        == Resource.objects.filter(is_active=True, organization__is_active=True).count()
    )
    assert services[0]["total_pages"] == len(services) > 1
    assert [p["page_number"] for p in services] == list(range(1, len(services) + 1))
    at_locations = [
        p for u, p in seen.items() if u.startswith(reverse("hsds:service_at_location_list") + "?")
    ]
    # The demo data's resources at places are published too.
    assert at_locations[0]["total_items"] >= 3


def test_the_schemas_catch_what_is_wrong() -> None:
    """The checks can fail: a missing required field, a wrong type, a bad uuid, a misspelt
    field, a missing page field are each refused."""
    good = {
        "id": str(uuid.uuid4()),
        "name": "x",
        "status": "active",
        "organization": {"id": str(uuid.uuid4()), "name": "o", "description": "d"},
    }
    page: dict[str, Any] = dict.fromkeys(["total_items", "total_pages", "page_number", "size"], 1)
    page.update(first_page=True, last_page=True, empty=False, contents=[good])
    check_page("service_list.json", page)
    bad_items = [
        {k: v for k, v in good.items() if k != "status"},
        {**good, "status": "open"},
        {**good, "id": "12"},
        {**good, "assured_date": None},
        {**good, "nmae": "typo"},
        {**good, "url": "not a uri"},
        {**good, "last_modified": "2026-04-01 10:00"},
    ]
    for bad in bad_items:
        with pytest.raises(AssertionError):
            check_page("service_list.json", {**page, "contents": [bad]})
    with pytest.raises(AssertionError):
        check_page("service_list.json", {k: v for k, v in page.items() if k != "empty"})
    with pytest.raises(AssertionError):
        check_root({"version": "3.0", "profile": "https://example.jp/"})


def test_a_service_in_full(demo: Any) -> None:
    rows = directory()
    full, place, org = rows["full"], rows["place"], rows["org"]
    client = Client()
    service = get_json(client, reverse("hsds:service_detail", kwargs={"id": str(full.uuid)}))
    assert service["id"] == str(full.uuid)
    assert service["status"] == "active"
    assert service["assured_date"] == "2026-04-01"
    assert service["fees_description"] == "子ども無料、大人300円"
    assert service["eligibility_description"] == "どなたでも"
    assert service["organization"]["id"] == str(org.uuid) == service["organization_id"]
    assert [p["number"] for p in service["phones"]] == ["042-735-0000"]
    assert [s["description"] for s in service["schedules"]] == ["毎週水曜 17:00〜19:30"]
    assert sorted(a["name"] for a in service["service_areas"]) == ["小山", "鶴川"]
    (at_location,) = service["service_at_locations"]
    assert at_location["id"] == str(full.service_at_location_uuid)
    location = at_location["location"]
    assert location["id"] == str(place.uuid)
    assert location["location_type"] == "physical"
    (address,) = location["addresses"]
    assert address == {
        "id": address["id"],
        "location_id": str(place.uuid),
        "address_1": "能ヶ谷1-2-1",
        "city": "町田市",
        "state_province": "東京都",
        "postal_code": "195-0053",
        "country": "JP",
        "address_type": "physical",
    }
    terms = {a["taxonomy_term"]["code"]: a["taxonomy_term"] for a in service["attributes"]}
    assert set(terms) == {"children", "food", "ibasho"}
    assert terms["children"]["id"] == str(Domain.objects.get(code="children").uuid)
    assert terms["food"]["taxonomy_id"] != terms["children"]["taxonomy_id"]
    assert all(a["link_id"] == str(full.uuid) for a in service["attributes"])
    # The integer key appears nowhere as an id; the same request gives the same ids.
    again = get_json(client, reverse("hsds:service_detail", kwargs={"id": str(full.uuid)}))
    assert again == service

    citywide = get_json(
        client, reverse("hsds:service_detail", kwargs={"id": str(rows["citywide"].uuid)})
    )
    assert [a["name"] for a in citywide["service_areas"]] == ["町田市全域"]
    assert citywide["email"] == "soudan@example.jp"
    assert citywide["phones"] == [] and citywide["service_at_locations"] == []


def test_an_organization_and_a_service_at_location(demo: Any) -> None:
    rows = directory()
    client = Client()
    org = get_json(
        client, reverse("hsds:organization_detail", kwargs={"id": str(rows["org"].uuid)})
    )
    assert org["description"] == "NPO"
    assert [s["id"] for s in org["services"]] == [str(rows["full"].uuid)]
    assert [loc["id"] for loc in org["locations"]] == [str(rows["place"].uuid)]
    sal = get_json(
        client,
        reverse(
            "hsds:service_at_location_detail",
            kwargs={"id": str(rows["full"].service_at_location_uuid)},
        ),
    )
    assert sal["service_id"] == str(rows["full"].uuid)
    assert sal["location"]["addresses"][0]["postal_code"] == "195-0053"


def test_public_data_only(demo: Any, role_users: dict[str, Any]) -> None:
    """Inactive rows never appear, and neither do case agencies' internal data: an outsider
    reading the whole API sees no consultation, no staff member, no membership, no
    organization's private contact details."""
    from tests.factories.consultations import ConsultationFactory

    rows = directory()
    consultation = ConsultationFactory(person_name="秘密 花子", narrative="極秘の相談内容")
    body = json.dumps(walk(Client()), ensure_ascii=False)
    for user in role_users.values():
        assert user.email not in body
        assert (user.full_name or "\0") not in body
    for secret in (
        "秘密 花子",
        "極秘の相談内容",
        consultation.phone,
        "private-org-mail@example.jp",
        "090-9999-0000",
        "staff.elderly@example.jp",
    ):
        assert secret not in body
    for name, row in rows["hidden"].items():
        assert row.name not in body and str(row.uuid) not in body, name
    assert rows["hidden_org"].name not in body
    # A resource at a closed place is published, without the place.
    assert rows["at_closed"].name in body
    assert rows["closed_place"].name not in body
    assert str(rows["at_closed"].service_at_location_uuid) not in body
    client = Client()
    for view, key in [
        ("hsds:service_detail", rows["hidden"]["inactive resource"].uuid),
        ("hsds:organization_detail", rows["hidden_org"].uuid),
        ("hsds:service_at_location_detail", rows["at_closed"].service_at_location_uuid),
        ("hsds:service_detail", rows["full"].pk),
        ("hsds:service_detail", "not-a-uuid"),
    ]:
        get_json(client, reverse(view, kwargs={"id": str(key)}), status=404)


def test_root_and_openapi_description(demo: Any, settings: Any) -> None:
    settings.SITE_URL = "https://portal.example.jp"
    client = Client()
    root = get_json(client, reverse("hsds:root"))
    assert root["version"] == "3.0"
    assert root["openapi_url"] == "https://portal.example.jp/api/hsds/openapi.json"
    spec = get_json(client, reverse("hsds:openapi"))
    assert spec["openapi"].startswith("3.1")
    assert "REQUIRED" not in json.dumps(spec["info"])
    assert spec["servers"] == [{"url": "https://portal.example.jp/api/hsds"}]
    assert set(spec["paths"]) == {
        "/",
        "/services",
        "/services/{id}",
        "/organizations",
        "/organizations/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
    }
    # Every path it lists answers.
    for path in spec["paths"]:
        if "{id}" not in path:
            get_json(client, "/api/hsds" + path.rstrip("/") + ("/" if path == "/" else ""))


def test_pagination_parameters(demo: Any) -> None:
    directory()
    client = Client()
    url = reverse("hsds:service_list")
    total = get_json(client, url)["total_items"]
    page = get_json(client, url + "?per_page=1&page=2")
    assert (page["page_number"], page["size"], page["total_pages"]) == (2, 1, total)
    assert not page["first_page"] and not page["last_page"] and not page["empty"]
    last = get_json(client, url + f"?per_page=1&page={total}")
    assert last["last_page"]
    get_json(client, url + f"?per_page=1&page={total + 1}", status=404)
    for bad in ("page=0", "page=abc", "per_page=-1", "page=１"):
        get_json(client, url + "?" + bad, status=400)


def test_page_size_setting_caps_per_page(demo: Any, settings: Any) -> None:
    directory()
    settings.HSDS_MAX_PAGE_SIZE = 2
    settings.HSDS_PAGE_SIZE = 1
    client = Client()
    assert get_json(client, reverse("hsds:service_list"))["size"] == 1
    assert get_json(client, reverse("hsds:service_list") + "?per_page=500")["size"] == 2


def test_service_filters(demo: Any) -> None:
    rows = directory()
    client = Client()
    url = reverse("hsds:service_list")

    def names(query: str) -> set[str]:
        return {s["name"] for s in get_json(client, url + "?" + query)["contents"]}

    assert names(f"organization_id={rows['org'].uuid}&per_page=100") == {"こども食堂つるかわ"}
    food = Theme.objects.get(code="food").uuid
    assert "こども食堂つるかわ" in names(f"taxonomy_term_id={food}&per_page=100")
    assert "くらしの相談" not in names(f"taxonomy_term_id={food}&per_page=100")
    assert names("organization_id=nonsense") == set()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert names(f"modified_after={tomorrow}") == set()
    assert "くらしの相談" in names("modified_after=2000-01-01T00:00:00%2B09:00&per_page=100")
    get_json(client, url + "?modified_after=yesterday", status=400)
    assert names("search=" + "食堂つるかわ") == {"こども食堂つるかわ"}


@pytest.mark.parametrize("name", list(LISTS))
def test_list_query_counts_do_not_grow_with_the_data(name: str, demo: Any) -> None:
    from django.core.cache import cache

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            get_json(Client(), reverse(name) + "?per_page=100")
        return len(queries)

    directory()
    before = count()
    for i in range(6):
        org = OrganizationFactory(name=f"追加の団体{i}")
        place = PlaceFactory(name=f"追加の会場{i}", organization=org, postal_code="194-0013")
        resource = ResourceFactory(organization=org, place=place, domains=["elderly"])
        resource.districts.set(District.objects.all()[:2])
    assert count() == before <= 3


def test_anonymous_responses_are_cached_and_go_stale_on_a_change(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = directory()
    client = Client()
    url = reverse("hsds:service_detail", kwargs={"id": str(rows["full"].uuid)})
    client.get(url)
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Access-Control-Allow-Origin"] == "*"
    with django_capture_on_commit_callbacks(execute=True):
        Place.objects.get(pk=rows["place"].pk).save()  # the admin's save
        rows["full"].fees = "無料"
        rows["full"].save()
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert json.loads(fresh.content)["fees_description"] == "無料"


def test_every_row_gets_its_own_uuid(demo: Any) -> None:
    for model in (District, Domain, Theme, Organization, Place, Resource):
        ids = list(model.objects.values_list("uuid", flat=True))
        assert ids and None not in ids and len(set(ids)) == len(ids), model
    keys = list(Resource.objects.values_list("service_at_location_uuid", flat=True))
    assert len(set(keys)) == len(keys)


def test_the_directory_page_points_other_systems_to_the_api(client: Any, demo: Any) -> None:
    page = client.get(reverse("directory:resource_list")).content.decode()
    assert f'href="{reverse("hsds:service_list")}"' in page
    assert client.get(reverse("hsds:service_list"))["Content-Type"].startswith("application/json")
