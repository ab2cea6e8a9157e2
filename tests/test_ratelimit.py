from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from projects.models import Idea

pytestmark = pytest.mark.django_db


def _idea(client: Any, n: int) -> Any:
    import uuid

    return client.post(
        reverse("projects:idea_create"),
        {
            "submission_token": str(uuid.uuid4()),
            "kind": "want",
            "title": f"テスト{n}",
            "description": "内容",
            "contact_method": "portal",
        },
    )


def test_idea_submissions_are_rate_limited_per_person(client: Any, demo: Any) -> None:
    client.force_login(demo.users["resident@example.jp"])
    statuses = [_idea(client, n).status_code for n in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]
    assert Idea.objects.filter(title__startswith="テスト").count() == 10
    response = _idea(client, 99)
    assert "しばらくお待ちください" in response.content.decode()
    # Another person is not affected.
    client.force_login(demo.users["member@example.jp"])
    assert _idea(client, 100).status_code == 302


def test_rate_limits_can_be_turned_off(client: Any, demo: Any, settings: Any) -> None:
    settings.RATE_LIMITS_ENABLED = False
    client.force_login(demo.users["resident@example.jp"])
    assert all(_idea(client, n).status_code == 302 for n in range(12))
