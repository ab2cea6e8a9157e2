"""consultations is a leaf: no other app imports it."""

from __future__ import annotations

import re
from pathlib import Path

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
