"""A corpus of XSS payloads typed into every text field of every form a role can reach is
shown escaped on every page afterwards, for the author and for the other roles."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.forms import forms_for
from tests.test_crawl import crawl

PAYLOADS = [
    "<script>alert('xss1')</script>",
    "<img src=x onerror=alert('xss2')>",
    "\"><svg onload=alert('xss3')>",
    "javascript:alert('xss4')",
    "</textarea><script>alert('xss5')</script>",
]
ESCAPED = ["&lt;script&gt;alert(", "&lt;img src=x onerror", "&lt;svg onload"]
MARKERS = ["<script>alert('xss1')", "<img src=x onerror", "<svg onload", "</textarea><script>"]


def _fill(form: Any, target: str, payload: str) -> dict[str, str]:
    """The payload in one text field; plausible values everywhere else, so that length or
    format limits of other fields do not hide the payload behind a validation error."""
    data: dict[str, str] = {}
    for name, kind in form.fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        if name == target:
            data[name] = payload
        elif kind == "email":
            data[name] = "xss@example.jp"
        elif kind == "url":
            data[name] = "https://example.jp/"
        elif kind == "number":
            data[name] = "1"
        elif kind == "date":
            data[name] = "2027-01-15"
        elif kind == "datetime-local":
            data[name] = "2027-01-15T10:00"
        elif kind == "tel":
            data[name] = "042-000-0000"
        elif kind != "hidden":
            data[name] = "テスト"
    for name, choices in form.choices.items():
        usable = [c for c in choices if c]
        if usable:
            data[name] = usable[0]
    return data


def _text_fields(form: Any) -> list[str]:
    return [n for n, k in form.fields.items() if k in ("text", "textarea", "search")]


@pytest.mark.django_db
def test_payloads_in_every_text_field_are_rendered_escaped_everywhere(
    role_users: dict[str, Any], client: Any
) -> None:
    for role in ["resident", "member", "coordinator", "staff_elderly", "cwc", "city"]:
        client.force_login(role_users[role])
        for form in forms_for(client):
            for index, name in enumerate(_text_fields(form)):
                payload = PAYLOADS[index % len(PAYLOADS)]
                client.post(form.action, _fill(form, name, payload))
    # The payloads were stored somewhere (the profile's display name at least) and are shown,
    # escaped; otherwise this test would prove nothing.
    shown_escaped = False
    for role in [
        "anonymous",
        "resident",
        "coordinator",
        "staff_elderly",
        "staff_disability",
        "cwc",
        "city",
        "admin",
    ]:
        client.logout()
        if role != "anonymous":
            client.force_login(role_users[role])
        for path, (status, _) in crawl(client).items():
            if status != 200:
                continue
            body = client.get(path).content.decode(errors="replace")
            for marker in MARKERS:
                assert marker not in body, f"unescaped {marker!r} on {path} as {role}"
            shown_escaped = shown_escaped or any(m in body for m in ESCAPED)
    assert shown_escaped, "no payload was shown anywhere: the corpus reached no page"
