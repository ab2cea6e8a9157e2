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


# -- 1,000 session registrations from 50 clients -------------------------------------------

SOAK_SESSIONS = 20
CAPACITY = 30


def _registrations_prepare(services: Any) -> dict[str, Any] | None:
    if not _built("/sessions/"):
        return None
    # Fifty extra residents (the password of the demo resident), each registering for the
    # same twenty upcoming sessions of thirty seats: 1,000 registrations, 600 seats.
    services.sql(
        "INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined, "
        "email, display_name, full_name, full_name_kana, phone) SELECT u.password, false, false, "
        "true, now(), 'soak' || g || '@example.jp', 'soak' || g, '', '', '' FROM accounts_user u, "
        "generate_series(0, 49) g WHERE u.email = 'resident@example.jp' ON CONFLICT DO NOTHING"
    )
    services.sql(
        'INSERT INTO account_emailaddress (user_id, email, verified, "primary") SELECT id, '
        "email, true, true FROM accounts_user WHERE email LIKE 'soak%@example.jp' "
        "ON CONFLICT DO NOTHING"
    )
    # Twenty copies of an upcoming demo session, so the run owns its sessions outright.
    table = "future_sessions_futuresession"
    columns = services.sql(
        "SELECT string_agg(quote_ident(column_name), ',') FROM information_schema.columns "
        f"WHERE table_name = '{table}' AND column_name <> 'id'"
    )
    source = services.sql(
        f"SELECT id FROM {table} WHERE status = 'scheduled' AND starts_at > now() LIMIT 1"
    )
    if not source:
        return None
    ids = services.sql(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}, "
        f"generate_series(1, {SOAK_SESSIONS}) WHERE id = {source} RETURNING id"
    ).split()
    services.sql(
        f"UPDATE future_sessions_futuresession SET capacity = {CAPACITY} WHERE id IN "
        f"({','.join(ids)})"
    )
    services.sql(f"DELETE FROM future_sessions_registration WHERE session_id IN ({','.join(ids)})")
    return {
        "emails": [f"soak{i}@example.jp" for i in range(50)],
        "per_client": SOAK_SESSIONS,
        "path": lambda i, n: f"/sessions/{ids[n]}/register/",
        "success": 302,
        "ids": ids,
    }


def _registrations_data(marker: str, i: int, n: int) -> dict[str, str]:
    return {"seats": "1"}


def _registrations_verify(
    services: Any, ok: list[str], plan: dict[str, Any]
) -> list[tuple[bool, str]]:
    ids = ",".join(plan["ids"])
    rows = services.sql(
        "SELECT session_id, status, count(*), sum(seats) FROM future_sessions_registration "
        f"WHERE session_id IN ({ids}) GROUP BY 1, 2"
    ).splitlines()
    registered = {}
    total = 0
    for row in rows:
        session_id, status, count, seats = row.split("|")
        total += int(count)
        if status == "registered":
            registered[session_id] = int(seats)
    over = [s for s, seats in registered.items() if seats > CAPACITY]
    dupes = int(
        services.sql(
            "SELECT count(*) FROM (SELECT session_id, user_id FROM future_sessions_registration "
            f"WHERE session_id IN ({ids}) GROUP BY 1, 2 HAVING count(*) > 1) d"
        )
    )
    return [
        (len(ok) == 1000, f"{len(ok)} of 1000 registrations answered success"),
        (total == 1000, f"{total} registrations stored (registered + waiting) for 1000"),
        (not over, f"no session over its {CAPACITY} seats ({len(over)} overbooked)"),
        (
            all(v == CAPACITY for v in registered.values()) and len(registered) == SOAK_SESSIONS,
            f"every one of {SOAK_SESSIONS} sessions filled exactly to {CAPACITY} seats",
        ),
        (dupes == 0, f"{dupes} people registered twice for one session"),
    ]


SUBMISSIONS: list[Submission] = [
    Submission(
        "1,000 session registrations from 50 concurrent clients",
        _registrations_prepare,
        _registrations_data,
        _registrations_verify,
    ),
    Submission(
        "1,000 idea submissions from 50 concurrent clients",
        _ideas_prepare,
        _ideas_data,
        _ideas_verify,
    ),
]
RACES: list[Race] = []
