"""The key pages `make bench` measures, per role. A page whose feature is not built yet (its
resolver returns None) is reported as skipped.

``path`` is fixed, or ``resolve()`` finds a real object the role may see (run inside Django
against the benchmark database). ``baseline`` marks the two bare views every other page is
compared with: the anonymous one for public pages, the signed-in one for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    name: str
    role: str  # "anonymous" or a demo email
    path: str = ""
    resolve: Callable[[], str | None] | None = None
    method: str = "GET"
    body: Callable[[], str] | None = None  # form body for POST; "{n}" made unique per request
    expect: int = 200
    baseline: bool = False
    public: bool = False  # compared with the anonymous baseline
    extra: dict[str, Any] = field(default_factory=dict)


RESIDENT = "resident@example.jp"

PAGES: list[Page] = [
    Page("bare view (anonymous)", "anonymous", "/bench/bare/", baseline=True, public=True),
    Page("bare view (signed in)", RESIDENT, "/bench/bare-auth/", baseline=True),
    Page("home (anonymous)", "anonymous", "/", public=True),
    Page("home (resident)", RESIDENT, "/"),
    Page("notifications (resident)", RESIDENT, "/notifications/"),
    Page("organizations (anonymous)", "anonymous", "/directory/organizations/", public=True),
]
