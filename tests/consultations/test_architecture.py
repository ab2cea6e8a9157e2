"""consultations is a leaf: no other app imports it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "directory",
    "reminders",
    "projects",
    "sessions",
    "indicators",
    "machida_portal",
]
IMPORT = re.compile(r"^\s*(from|import)\s+consultations\b", re.MULTILINE)


def test_no_other_app_imports_consultations() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_admin_shows_case_metadata_but_no_personal_data(role_users: dict, client) -> None:  # type: ignore[type-arg, no-untyped-def]
    from django.urls import reverse

    from tests.factories import SheetFactory

    sheet = SheetFactory()
    client.force_login(role_users["admin"])
    for name, pk in [
        ("consultations_consultation", sheet.consultation_id),
        ("consultations_tsunagusheet", sheet.pk),
    ]:
        for url in (
            reverse(f"admin:{name}_changelist"),
            reverse(f"admin:{name}_change", args=[pk]),
        ):
            body = client.get(url).content.decode()
            assert "町田 太郎" not in body and "042-000-1234" not in body, url
            assert "ひきこもり" not in body, url
