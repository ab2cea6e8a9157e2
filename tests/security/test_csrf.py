"""CSRF is enforced on every POST of the portal: each POST row of the access matrix, sent by
a role that may use it but without a token, is refused with 403 and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.access import ROLES, all_rows

POST_ROWS = [r for r in all_rows() if r.method == "post"]


@pytest.mark.django_db
@pytest.mark.parametrize("row", POST_ROWS, ids=[r.test_id for r in POST_ROWS])
def test_post_without_csrf_token_is_refused(row: Any, role_users: dict[str, Any]) -> None:
    allowed = [role for role in ROLES if role != "anonymous" and row.expected[role] in (200, 302)]
    if not allowed:
        pytest.skip("no role may post here")
    role = allowed[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(role_users[role])
    kwargs = row.kwargs(role_users) if row.kwargs else {}
    url = reverse(row.name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
    response = client.post(url, row.data(role_users) if row.data else {})
    assert response.status_code == 403, f"{url} as {role}: {response.status_code}"
