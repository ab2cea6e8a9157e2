from __future__ import annotations

from typing import Any

import pytest

from directory.models import District, Theme


@pytest.fixture
def make_idea(role_users: dict[str, Any]) -> Any:
    from projects.models import Idea
    from projects.services import idea_create

    def make(**kw: Any) -> Idea:
        kw.setdefault("by", role_users["resident"])
        kw.setdefault("kind", Idea.Kind.WANT)
        kw.setdefault("title", "公園でラジオ体操をしたい")
        kw.setdefault("description", "朝の公園で多世代のラジオ体操をしたいです。")
        kw.setdefault("is_public", True)
        return idea_create(**kw)

    return make


@pytest.fixture
def district() -> District:
    return District.objects.get(code="tsurukawa")


@pytest.fixture
def theme() -> Theme:
    return Theme.objects.get(code="childcare")
