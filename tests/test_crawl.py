"""As every demo role and as an anonymous visitor, follow every same-site link from ``/``.

Fails on any 5xx and on a page over its query budget. Later apps' pages join automatically
as the navigation links to them; their seeders give the crawl something to follow.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.access import all_query_budgets

HREF = re.compile(r'href="([^"]+)"')
MAX_PAGES = 120
DEFAULT_BUDGET = 20
# Paths that are not pages to crawl: sign-out is a POST form anyway; the admin has its own
# tests and its changelists are not the portal's pages.
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/accounts/logout/", "/i18n/", "/language/")
# Pages allowed more queries than the default: each app lists them, with the reason, as
# QUERY_BUDGETS = {path prefix: queries} in tests/access_rows/<app>.py.
BUDGETS: dict[str, int] = all_query_budgets()


def _budget(path: str) -> int:
    matches = [prefix for prefix in BUDGETS if path.startswith(prefix)]
    return BUDGETS[max(matches, key=len)] if matches else DEFAULT_BUDGET


def _links(base: str, html: str) -> list[str]:
    found = []
    for raw in HREF.findall(html):
        url = urldefrag(urljoin(base, raw.replace("&amp;", "&")))[0]
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP_PREFIXES):
            continue
        found.append(path)
    return found


def crawl(client: Any, language: str = "ja") -> dict[str, tuple[int, int]]:
    seen: dict[str, tuple[int, int]] = {}
    queue: deque[str] = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        seen[path] = (response.status_code, len(queries))
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            queue.extend(_links(path, response.content.decode()))
    return seen


ROLES = [
    "anonymous",
    "resident",
    "member",
    "coordinator",
    "staff_elderly",
    "staff_disability",
    "cwc",
    "city",
    "admin",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_crawl_finds_no_server_error_and_no_page_over_budget(
    role: str, role_users: dict[str, Any], client: Any
) -> None:
    if role != "anonymous":
        client.force_login(role_users[role])
    pages = crawl(client)
    assert len(pages) > 3, pages
    errors = {p: s for p, (s, _) in pages.items() if s >= 500}
    assert not errors, f"5xx as {role}: {errors}"
    over = {
        p: q for p, (s, q) in pages.items() if q > BUDGETS.get(urlsplit(p).path, DEFAULT_BUDGET)
    }
    assert not over, f"pages over their query budget as {role}: {over}"


@pytest.mark.django_db
def test_crawl_in_english_renders_english(role_users: dict[str, Any], client: Any) -> None:
    client.force_login(role_users["resident"])
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b'lang="en"' in response.content
    assert "Machida Community Welfare Portal" in response.content.decode()
    pages = crawl(client, language="en")
    assert not {p: s for p, (s, _) in pages.items() if s >= 500}
