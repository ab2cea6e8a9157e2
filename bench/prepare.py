"""Runs inside Django against the benchmark database: signs the demo users in (a session
per role, as a browser would hold), gives staff their TOTP device (as production requires),
resolves every key page to a concrete URL, and counts each page's queries.

    python -m bench.prepare --out bench/out/plan.json [--counts-only --scale small]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "machida_portal.settings.base")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _session_for(user: Any) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def _give_staff_totp() -> None:
    from allauth.mfa.models import Authenticator

    from accounts.capabilities import is_staff_member
    from accounts.models import User

    for user in User.objects.filter(
        email__endswith="@example.jp", memberships__isnull=False
    ).distinct():
        if is_staff_member(user) or user.is_superuser:
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
            )
    for user in User.objects.filter(is_superuser=True):
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
        )


def _resolved_pages() -> list[dict[str, Any]]:
    from bench.pages import PAGES

    out = []
    for page in PAGES:
        paths = page.pool() if page.pool else []
        path = page.path or (page.resolve() if page.resolve else None) or next(iter(paths), None)
        out.append(
            {
                "name": page.name,
                "role": page.role,
                "path": path,
                "method": page.method,
                "body": page.body() if page.body else "",
                "expect": page.expect,
                "baseline": page.baseline,
                "public": page.public,
                "paths": paths,
                "mix_only": bool(page.pool),
            }
        )
    return out


def _query_counts(pages: list[dict[str, Any]]) -> dict[str, dict[str, int] | None]:
    """Each page's queries with its cached pages and fragments cold (what computing the page
    costs) and warm (what a repeat view costs). The per-user caches (roles, unread count)
    are warm in both."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from machida_portal.public_cache import SCOPES, public_cache_bump

    counts: dict[str, dict[str, int] | None] = {}
    for page in pages:
        if not page["path"] or page["baseline"] or page["method"] != "GET":
            continue
        client = Client()
        if page["role"] != "anonymous":
            client.force_login(User.objects.get(email=page["role"]))
        client.get(page["path"])  # warm per-process caches (content types, translations)
        public_cache_bump(*SCOPES)
        with CaptureQueriesContext(connection) as cold:
            response = client.get(page["path"])
        with CaptureQueriesContext(connection) as warm:
            client.get(page["path"])
        counts[page["name"]] = (
            {"cold": len(cold), "warm": len(warm)} if response.status_code == 200 else None
        )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--counts-only", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    _give_staff_totp()
    pages = _resolved_pages()
    counts = _query_counts(pages)
    if args.counts_only:
        Path(args.out).write_text(json.dumps(counts, ensure_ascii=False, indent=1))
        return
    from accounts.models import User

    sessions = {}
    for page in pages:
        if page["role"] != "anonymous" and page["role"] not in sessions:
            sessions[page["role"]] = _session_for(User.objects.get(email=page["role"]))
    Path(args.out).write_text(
        json.dumps(
            {"pages": pages, "sessions": sessions, "counts": counts}, ensure_ascii=False, indent=1
        )
    )


if __name__ == "__main__":
    main()
