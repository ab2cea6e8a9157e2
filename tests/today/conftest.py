from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def users(role_users: dict[str, Any]) -> dict[str, Any]:
    return role_users
