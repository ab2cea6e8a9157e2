"""What the reliability suite submits and races on, feature by feature. A target whose
feature is not built yet returns None from ``prepare`` and is reported as skipped."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests


@dataclass
class Submission:
    name: str
    prepare: Callable[[Any], dict[str, Any] | None]
    data: Callable[[str, int, int], dict[str, str]]
    verify: Callable[[Any, list[str], dict[str, Any]], list[tuple[bool, str]]]


@dataclass
class Race:
    name: str
    key: str


DEMO_EMAILS = [
    "resident@example.jp",
    "member@example.jp",
    "coordinator@example.jp",
    "staff.elderly@example.jp",
    "cwc@example.jp",
    "city@example.jp",
]


def _built(path: str) -> bool:
    from bench.soak import BASE

    try:
        return requests.get(BASE + path, timeout=10, allow_redirects=False).status_code in (
            200,
            302,
        )
    except requests.RequestException:
        return False


# -- 1,000 idea submissions from 50 clients ------------------------------------------------


def _ideas_prepare(services: Any) -> dict[str, Any] | None:
    if not _built("/ideas/new/"):
        return None
    return {
        "emails": DEMO_EMAILS,
        "per_client": 20,
        "path": lambda i, n: "/ideas/new/",
        "success": 302,
    }


def _ideas_data(marker: str, i: int, n: int) -> dict[str, str]:
    return {
        "submission_token": uuid.uuid4().hex,
        "kind": "want",
        "title": f"{marker} 子ども食堂",
        "description": "週に一度、地域で子ども食堂を開きたい。",
        "contact_method": "portal",
    }


def _ideas_verify(services: Any, ok: list[str], plan: dict[str, Any]) -> list[tuple[bool, str]]:
    stored = int(services.sql("SELECT count(*) FROM projects_idea WHERE title LIKE 'soak%'"))
    dupes = int(
        services.sql(
            "SELECT count(*) FROM (SELECT split_part(title, ' ', 1) FROM projects_idea WHERE title "
            "LIKE 'soak%' GROUP BY 1 HAVING count(*) > 1) d"
        )
    )
    return [
        (len(ok) == 1000, f"{len(ok)} of 1000 idea submissions answered success"),
        (stored == len(ok), f"{stored} ideas stored for {len(ok)} successes"),
        (dupes == 0, f"{dupes} ideas stored twice"),
    ]


SUBMISSIONS: list[Submission] = [
    Submission(
        "1,000 idea submissions from 50 concurrent clients",
        _ideas_prepare,
        _ideas_data,
        _ideas_verify,
    ),
]
RACES: list[Race] = []
