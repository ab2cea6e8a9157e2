from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.selectors import resources_for_troubles
from directory.models import Organization, Resource
from directory.search import search_document
from directory.services import resources_remind_verification
from reminders.models import Reminder
from tests.factories import OrganizationFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_public_search_finds_two_character_japanese_words(demo: Any, client: Any) -> None:
    ResourceFactory.create(
        name="ひきこもり家族会", domains=["health"], description="ご家族の介護の悩みも話せます"
    )
    body = client.get(reverse("directory:resource_list"), {"q": "介護"}).content.decode()
    assert "ひきこもり家族会" in body
    body = client.get(reverse("directory:resource_list"), {"q": "ヒキコモリ"}).content.decode()
    assert "ひきこもり家族会" in body


def test_resource_list_query_count_is_flat(demo: Any, client: Any) -> None:
    url = reverse("directory:resource_list")
    # Signed in, so the anonymous page cache does not answer; warmed up for the role cache.
    client.force_login(demo.users["resident@example.jp"])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    ResourceFactory.create_batch(10, domains=["elderly", "health"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one.captured_queries) > 1
    assert len(many.captured_queries) == len(one.captured_queries)


def test_resources_for_troubles_rank_by_matching_domains(demo: Any) -> None:
    both = ResourceFactory.create(name="介護と障がいの相談", domains=["elderly", "disability"])
    one = ResourceFactory.create(name="介護の相談", domains=["elderly"])
    ResourceFactory.create(name="子育てひろば", domains=["children"])
    ranked = list(resources_for_troubles(["care", "disability"], None))
    assert ranked.index(both) < ranked.index(one)
    assert all(r.name != "子育てひろば" for r in ranked)


def test_owners_are_reminded_yearly_once(demo: Any) -> None:
    owner = OrganizationFactory(kind=Organization.Kind.NPO, email="npo@example.jp")
    r = ResourceFactory.create(name="古い情報", organization=owner)
    Resource.objects.filter(pk=r.pk).update(
        last_verified_on=timezone.localdate() - timedelta(days=400)
    )
    resources_remind_verification()
    resources_remind_verification()
    assert (
        Reminder.objects.filter(idempotency_key__startswith=f"resource:{r.pk}:verify:").count() == 1
    )


def test_inactive_resource_is_404(demo: Any, client: Any) -> None:
    r = ResourceFactory.create(name="終了した資源", is_active=False)
    assert search_document("x")
    assert client.get(reverse("directory:resource_detail", kwargs={"pk": r.pk})).status_code == 404


def test_owner_marks_a_resource_verified(demo: Any, client: Any) -> None:
    from directory.models import Membership

    member = demo.users["member@example.jp"]
    org = Membership.objects.filter(user=member).first().organization  # type: ignore[union-attr]
    r = ResourceFactory.create(name="こども食堂", kind=Resource.Kind.DROP_IN, organization=org)
    client.force_login(member)
    client.post(reverse("directory:resource_verify", kwargs={"pk": r.pk}))
    r.refresh_from_db()
    assert r.last_verified_on == timezone.localdate()
