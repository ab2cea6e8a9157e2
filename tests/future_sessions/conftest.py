from __future__ import annotations

from typing import Any

import pytest

from tests.factories import SessionFactory


@pytest.fixture
def coordinator(demo: Any) -> Any:
    return demo.users["coordinator@example.jp"]


@pytest.fixture
def resident(demo: Any) -> Any:
    return demo.users["resident@example.jp"]


@pytest.fixture
def future_session(coordinator: Any) -> Any:
    return SessionFactory(by=coordinator)
