"""Every URL × every role answers what the matrix says; no URL may be missing from it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import LOGIN, ROLES, Row, all_rows

ROWS = all_rows()

# URLs that belong to other packages' own test suites (Django admin pages beyond the index,
# allauth's account pages, static media in DEBUG).
IGNORED_NAMESPACES = {"admin"}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                full = f"{namespace}:{p.namespace}" if namespace and p.namespace else ns
                walk(p.url_patterns, full, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                module = getattr(p.callback, "__module__", "")
                if module.startswith("allauth.") or namespace in IGNORED_NAMESPACES:
                    continue
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None, "")
    return names


def test_every_url_has_a_row_in_the_matrix() -> None:
    covered = {row.name for row in ROWS}
    missing = sorted(_url_names() - covered)
    assert not missing, f"URLs without a row in tests/access_rows/: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[r.test_id for r in ROWS])
def test_access_matrix(row: Row, role_users: dict[str, Any], client: Any) -> None:
    kwargs = row.kwargs(role_users) if row.kwargs else {}
    url = reverse(row.name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
    login_url = reverse("account_login")
    failures = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(role_users[role])
        data = row.data(role_users) if row.data else {}
        response = getattr(client, row.method)(url, data)
        expected = row.expected[role]
        if expected == LOGIN:
            went_to_login = response.status_code == 302 and response["Location"].startswith(
                login_url
            )
            if not went_to_login:
                failures.append(f"{role}: {response.status_code} (expected sign-in redirect)")
        elif response.status_code != expected:
            failures.append(f"{role}: {response.status_code} (expected {expected})")
    assert not failures, f"{row.method.upper()} {url}: " + "; ".join(failures)
