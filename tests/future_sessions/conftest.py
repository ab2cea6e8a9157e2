from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone


def make_session(organizer: Any, **overrides: Any) -> Any:
    from directory.models import Mode, Place
    from sessions.services import session_create

    venue = Place.objects.filter(
        name__startswith="町田市民フォーラム"
    ).first() or Place.objects.create(name="テスト会場")
    start = timezone.now() + timedelta(days=10)
    fields: dict[str, Any] = {
        "title": "みんなで考える居場所づくり",
        "question": "10年後、誰もが立ち寄れる居場所はどんな場所？",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "mode": Mode.PHYSICAL,
        "venue": venue,
        "capacity": 20,
    }
    fields.update(overrides)
    return session_create(by=organizer, **fields)


@pytest.fixture
def coordinator(demo: Any) -> Any:
    return demo.users["coordinator@example.jp"]


@pytest.fixture
def resident(demo: Any) -> Any:
    return demo.users["resident@example.jp"]


@pytest.fixture
def future_session(coordinator: Any) -> Any:
    return make_session(coordinator)
