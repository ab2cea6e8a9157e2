"""What the reliability suite submits and races on, feature by feature. A target whose
feature is not built yet returns None from ``prepare`` and is reported as skipped."""

from __future__ import annotations

import uuid
from collections import Counter
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
    """Rounds of two people pressing at the same moment. ``prepare`` returns the two people
    and, for each round, the two posts ``(person, path, data)``; ``verify`` checks the
    database afterwards."""

    name: str
    prepare: Callable[[Any], dict[str, Any] | None]
    verify: Callable[[Any, dict[str, Any]], list[tuple[bool, str]]]


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


# -- races: two people, one object, the same moment ----------------------------------------

RACE_ROUNDS = 20


def clone_user(services: Any, source: str, email: str) -> None:
    """A second person with the same memberships as ``source`` (and the demo password)."""
    services.sql(
        "INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined, "
        "email, display_name, full_name, full_name_kana, phone) SELECT password, false, false, "
        f"true, now(), '{email}', '{email.split('@')[0]}', '', '', '' FROM accounts_user "
        f"WHERE email = '{source}' ON CONFLICT DO NOTHING"
    )
    services.sql(
        'INSERT INTO account_emailaddress (user_id, email, verified, "primary") SELECT id, '
        f"email, true, true FROM accounts_user WHERE email = '{email}' ON CONFLICT DO NOTHING"
    )
    services.sql(
        "INSERT INTO directory_membership (user_id, organization_id, role, is_supervisor, "
        "is_active, created_at) SELECT n.id, m.organization_id, m.role, false, true, now() "
        "FROM directory_membership m JOIN accounts_user s ON s.id = m.user_id, accounts_user n "
        f"WHERE s.email = '{source}' AND n.email = '{email}'"
    )


def _sheets_prepare(services: Any) -> dict[str, Any] | None:
    staff = "staff.disability@example.jp"
    agency = services.sql(
        "SELECT m.organization_id FROM directory_membership m JOIN accounts_user u ON "
        f"u.id = m.user_id WHERE u.email = '{staff}' LIMIT 1"
    )
    table = "consultations_tsunagusheet"
    source = services.sql(f"SELECT id FROM {table} WHERE receiver_id = {agency} LIMIT 1")
    if not agency or not source:
        return None
    clone_user(services, staff, "staff.disability2@example.jp")
    columns = services.sql(
        "SELECT string_agg(quote_ident(column_name), ',') FROM information_schema.columns "
        f"WHERE table_name = '{table}' AND column_name <> 'id'"
    )
    ids = services.sql(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}, "
        f"generate_series(1, {RACE_ROUNDS}) WHERE id = {source} RETURNING id"
    ).split()
    services.sql(
        f"UPDATE {table} SET status = 'sent', sent_at = now(), deadline_at = now() + "
        "interval '3 days', received_at = NULL, first_contact_on = NULL, decline_reason = '', "
        f"return_reason = '', report_back = '' WHERE id IN ({','.join(ids)})"
    )
    # One presses 受理 (received), the other 不受理 (declined, with a reason).
    return {
        "emails": [staff, "staff.disability2@example.jp"],
        "ids": ids,
        "rounds": [
            [
                (0, f"/consultations/sheets/{i}/transition/", {"to": "received"}),
                (1, f"/consultations/sheets/{i}/transition/", {"to": "declined", "note": "x"}),
            ]
            for i in ids
        ],
    }


def _sheets_verify(services: Any, plan: dict[str, Any]) -> list[tuple[bool, str]]:
    ids = ",".join(plan["ids"])
    rows = services.sql(
        "SELECT s.id, s.status, count(t.id), string_agg(t.from_status || '>' || t.to_status, "
        "',') FROM consultations_tsunagusheet s LEFT JOIN consultations_sheettransition t ON "
        f"t.sheet_id = s.id WHERE s.id IN ({ids}) GROUP BY 1, 2"
    ).splitlines()
    one = [r for r in rows if r.split("|")[2] == "1"]
    consistent = [
        r for r in one if r.split("|")[3] == f"sent>{r.split('|')[1]}" and r.split("|")[1] != "sent"
    ]
    outcomes = Counter(r.split("|")[1] for r in rows)
    return [
        (
            len(one) == len(plan["ids"]),
            f"{len(one)} of {len(plan['ids'])} sheets have exactly one new transition",
        ),
        (
            len(consistent) == len(plan["ids"]),
            f"{len(consistent)} sheets whose status matches their one transition "
            f"(winners: {dict(outcomes)})",
        ),
    ]


def _merges_prepare(services: Any) -> dict[str, Any] | None:
    ids = services.sql(
        "SELECT id FROM projects_idea WHERE title LIKE 'soak%' AND status = 'received' "
        f"ORDER BY id LIMIT {2 * RACE_ROUNDS}"
    ).split()
    if len(ids) < 2 * RACE_ROUNDS:
        return None
    clone_user(services, "coordinator@example.jp", "coordinator2@example.jp")
    pairs = [(ids[2 * n], ids[2 * n + 1]) for n in range(RACE_ROUNDS)]
    rounds = []
    for n, (a, b) in enumerate(pairs):
        # Even rounds: both merge A into B. Odd rounds: crossed, A into B and B into A.
        second = (a, b) if n % 2 == 0 else (b, a)
        rounds.append(
            [
                (0, f"/ideas/{a}/merge/", {"target": b}),
                (1, f"/ideas/{second[0]}/merge/", {"target": second[1]}),
            ]
        )
    return {
        "emails": ["coordinator@example.jp", "coordinator2@example.jp"],
        "pairs": pairs,
        "rounds": rounds,
    }


def _merges_verify(services: Any, plan: dict[str, Any]) -> list[tuple[bool, str]]:
    good = 0
    for a, b in plan["pairs"]:
        rows = dict(
            (r.split("|")[0], r.split("|")[1:])
            for r in services.sql(
                "SELECT i.id, i.status, coalesce(i.merged_into_id::text, ''), (SELECT count(*) "
                "FROM projects_ideaevent e WHERE e.idea_id = i.id AND e.to_status = 'merged') "
                f"FROM projects_idea i WHERE i.id IN ({a}, {b})"
            ).splitlines()
        )
        merged = [k for k, v in rows.items() if v[0] == "merged"]
        if len(merged) != 1:
            continue
        loser = merged[0]
        winner = b if loser == a else a
        if (
            rows[loser][1] == winner
            and rows[loser][2] == "1"
            and rows[winner][0] != "merged"
            and rows[winner][1] == ""
        ):
            good += 1
    return [
        (
            good == len(plan["pairs"]),
            f"{good} of {len(plan['pairs'])} pairs merged exactly once, one way, with one "
            "history entry (half of them crossed: A into B and B into A at once)",
        )
    ]


RACES: list[Race] = [
    Race("two staff moving the same tsunagu sheet at once", _sheets_prepare, _sheets_verify),
    Race("two coordinators merging the same ideas at once", _merges_prepare, _merges_verify),
]
