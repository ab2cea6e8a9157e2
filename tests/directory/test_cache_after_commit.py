"""A directory write shows on the cached public pages as soon as it commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.models import Membership
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_verifying_a_resource_shows_on_its_cached_public_page_at_once(
    client: Any, role_users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    member = role_users["member"]
    org = Membership.objects.get(user=member).organization
    with django_capture_on_commit_callbacks(execute=True):
        resource = ResourceFactory.create(organization=org)
    url = reverse("directory:resource_detail", kwargs={"pk": resource.pk})
    visitor = Client()
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert today not in visitor.get(url).content.decode()
    assert visitor.get(url)["X-Page-Cache"] == "hit"
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directory:resource_verify", kwargs={"pk": resource.pk}))
    response = visitor.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert today in response.content.decode()
