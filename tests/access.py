"""The access matrix: every URL of the portal × every role → the status it must answer.

Each app adds its rows in ``tests/access_rows/<app>.py`` as ``ROWS: list[Row]``. A row names
a URL, how to build its arguments (objects made for the test, owned by known users), and the
expected status per role. ``LOGIN`` means a redirect to the sign-in page.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = [
    "anonymous",
    "resident",
    "member",
    "coordinator",
    "staff_elderly",
    "staff_disability",
    "staff_other",
    "cwc",
    "city",
    "admin",
]
STAFF = ["coordinator", "staff_elderly", "staff_disability", "staff_other", "cwc", "city", "admin"]
SIGNED_IN = [r for r in ROLES if r != "anonymous"]
LOGIN = "login"  # a 302 redirect to the sign-in page


@dataclass
class Row:
    name: str
    expected: dict[str, int | str]
    method: str = "get"
    # Builds the URL kwargs from the role users; runs once per test, inside its transaction.
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    query: str = ""
    id: str = ""
    notes: str = field(default="")

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expected)
        if missing:
            raise ValueError(f"row {self.name}: no expectation for {sorted(missing)}")

    @property
    def test_id(self) -> str:
        return self.id or f"{self.method}:{self.name}"


def everyone(status: int) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anonymous: int | str = LOGIN) -> dict[str, int | str]:
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status)}


def only(
    allowed: list[str], ok: int = 200, denied: int = 403, anonymous: int | str = LOGIN
) -> dict[str, int | str]:
    table: dict[str, int | str] = {"anonymous": anonymous}
    for role in SIGNED_IN:
        table[role] = ok if role in allowed else denied
    return table


def _modules() -> list[Any]:
    import tests.access_rows as package

    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def all_rows() -> list[Row]:
    rows: list[Row] = []
    for module in _modules():
        rows.extend(module.ROWS)
    return rows


def all_query_budgets() -> dict[str, int]:
    budgets: dict[str, int] = {}
    for module in _modules():
        budgets.update(getattr(module, "QUERY_BUDGETS", {}))
    return budgets
