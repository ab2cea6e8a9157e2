from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.selectors import resources_for_troubles
from directory.models import Domain, Organization, Resource
from directory.search import search_document
from directory.services import resources_remind_verification
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def _resource(name: str, domains: list[str], **kw: Any) -> Resource:
    org = Organization.objects.filter(kind=Organization.Kind.NPO).first()
    assert org is not None
    r = Resource.objects.create(
        name=name, kind=Resource.Kind.SUPPORT_MENU, organization=org, description=kw.pop("d", "")
    )
    r.domains.set(Domain.objects.filter(code__in=domains))
    r.search_document = r.build_search_document()
    r.save()
    for k, v in kw.items():
        setattr(r, k, v)
    r.save()
    return r


def test_public_search_finds_two_character_japanese_words(demo: Any, client: Any) -> None:
    _resource("ひきこもり家族会", ["health"], d="ご家族の介護の悩みも話せます")
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
    for i in range(10):
        _resource(f"資源{i}", ["elderly", "health"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one.captured_queries) > 1
    assert len(many.captured_queries) == len(one.captured_queries)


def test_resources_for_troubles_rank_by_matching_domains(demo: Any) -> None:
    both = _resource("介護と障がいの相談", ["elderly", "disability"])
    one = _resource("介護の相談", ["elderly"])
    _resource("子育てひろば", ["children"])
    ranked = list(resources_for_troubles(["care", "disability"], None))
    assert ranked.index(both) < ranked.index(one)
    assert all(r.name != "子育てひろば" for r in ranked)


def test_owners_are_reminded_yearly_once(demo: Any) -> None:
    r = _resource("古い情報", ["elderly"])
    Resource.objects.filter(pk=r.pk).update(
        last_verified_on=timezone.localdate() - timedelta(days=400)
    )
    resources_remind_verification()
    resources_remind_verification()
    assert (
        Reminder.objects.filter(idempotency_key__startswith=f"resource:{r.pk}:verify:").count() == 1
    )


def test_inactive_resource_is_404(demo: Any, client: Any) -> None:
    r = _resource("終了した資源", ["elderly"], is_active=False)
    assert search_document("x")
    assert client.get(reverse("directory:resource_detail", kwargs={"pk": r.pk})).status_code == 404


def test_owner_marks_a_resource_verified(demo: Any, client: Any) -> None:
    from directory.models import Membership

    member = demo.users["member@example.jp"]
    org = Membership.objects.filter(user=member).first().organization  # type: ignore[union-attr]
    r = Resource.objects.create(name="こども食堂", kind=Resource.Kind.DROP_IN, organization=org)
    client.force_login(member)
    client.post(reverse("directory:resource_verify", kwargs={"pk": r.pk}))
    r.refresh_from_db()
    assert r.last_verified_on == timezone.localdate()
