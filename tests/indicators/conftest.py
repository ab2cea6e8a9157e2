from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Count

from indicators.registry import ComputedIndicator, register, registered, unregister

FAKE_CODE = "OP-FAKE-ORGANIZATIONS"


def _count_organizations(fiscal_year: int, district: Any) -> int:
    # Database aggregation, as real apps do: organizations serving the district.
    from directory.models import Organization

    qs = Organization.objects.all()
    if district is not None:
        qs = qs.filter(districts=district)
    return int(qs.aggregate(n=Count("id", distinct=True))["n"])


@pytest.fixture
def fake_kpi() -> Iterator[ComputedIndicator]:
    """A fake app's computed indicator, registered for the test only."""
    registered()  # autodiscover first, so the real apps' indicators are not mistaken for ours
    item = register(
        ComputedIndicator(
            code=FAKE_CODE,
            name_ja="団体の数（テスト）",
            name_en="Organizations (test)",
            unit="cases",
            compute=_count_organizations,
            list_url_name="directory:organization_list",
        )
    )
    yield item
    unregister(FAKE_CODE)


@pytest.fixture
def registered_ii1() -> Iterator[ComputedIndicator]:
    """II-1 as the projects app registers it (participants), faked with a constant; the real
    one is put back afterwards."""
    real = registered().get("II-1")
    unregister("II-1")
    item = register(
        ComputedIndicator(
            code="II-1",
            name_ja="課題解決プロジェクトの参加人数",
            name_en="Participants",
            unit="persons",
            compute=lambda fy, district: 120 if district is None else 12,
        )
    )
    yield item
    unregister("II-1")
    if real is not None:
        register(real)


@pytest.fixture
def city(role_users: dict[str, Any]) -> Any:
    return role_users["city"]
