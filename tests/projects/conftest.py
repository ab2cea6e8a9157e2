from __future__ import annotations

import pytest

from directory.models import District, Theme


@pytest.fixture
def district() -> District:
    return District.objects.get(code="tsurukawa")


@pytest.fixture
def theme() -> Theme:
    return Theme.objects.get(code="childcare")
