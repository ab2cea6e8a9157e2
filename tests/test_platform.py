"""Health, outages, settings, demo data, headers and the admin."""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_backlog(client: Any) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert "due" in body["reminders"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(
        "machida_portal.views._check_database", lambda: {"ok": False, "error": "down"}
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_healthz_is_degraded_but_200_when_redis_is_down(client: Any, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"]["ok"] is False


@pytest.mark.django_db
def test_a_database_outage_mid_request_is_a_clean_503(client: Any, monkeypatch: Any) -> None:
    def broken(request: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("machida_portal.views.role_cards", broken)
    response = client.get("/")
    assert response.status_code == 503
    assert "ただいまご利用いただけません" in response.content.decode()
    assert response["Retry-After"] == "30"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_database_gives_one_clear_line() -> None:
    result = _manage("migrate", "--check", DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "DATABASE_URL" in result.stderr


def test_malformed_database_url_is_explained() -> None:
    result = _manage("check", DATABASE_URL="notadb://what")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_settings_need_a_secret_key() -> None:
    result = _manage("check", DJANGO_SETTINGS_MODULE="machida_portal.settings.prod", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="machida_portal.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.jp",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_seed_demo_twice_leaves_the_same_data() -> None:
    from accounts.models import User
    from directory.models import Membership, Organization, Place, Resource

    def snapshot() -> tuple[int, ...]:
        return tuple(m.objects.count() for m in (User, Organization, Membership, Place, Resource))

    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
    assert set(User.objects.values_list("email", flat=True)) >= {
        "resident@example.jp",
        "member@example.jp",
        "coordinator@example.jp",
        "staff.elderly@example.jp",
        "staff.disability@example.jp",
        "cwc@example.jp",
        "city@example.jp",
        "admin@example.jp",
    }


@pytest.mark.django_db
def test_seed_demo_refuses_production_settings(settings: Any) -> None:
    settings.SETTINGS_MODULE = "machida_portal.settings.prod"
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_security_headers(client: Any) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_every_model_has_a_japanese_admin_page(client: Any, demo: Any) -> None:
    client.force_login(demo.users["admin@example.jp"])
    ours = {
        "accounts",
        "directory",
        "reminders",
        "projects",
        "future_sessions",
        "consultations",
        "indicators",
    }
    inlined = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in ours:
            continue
        if model not in admin.site._registry:
            if model not in inlined:  # edited inside its parent's page
                missing.append(model._meta.label)
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="ja"' in response.content.decode()
    assert not missing, f"models without an admin: {missing}"


@pytest.mark.django_db
def test_error_pages_are_in_japanese(client: Any) -> None:
    assert "ページが見つかりません" in client.get("/no-such-page/").content.decode()


@pytest.mark.django_db
def test_a_database_outage_outside_the_view_is_a_503_too(client: Any, monkeypatch: Any) -> None:
    from django.db import InterfaceError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise InterfaceError("connection already closed")

    client.raise_request_exception = False
    client.force_login(__import__("tests.factories", fromlist=["UserFactory"]).UserFactory())
    monkeypatch.setattr("accounts.middleware.is_staff_member", broken)
    response = client.get("/me/")
    assert response.status_code == 503
    assert "ただいまご利用いただけません" in response.content.decode()
