"""The key pages `make bench` measures, per role. A page whose feature is not built yet (its
resolver returns None) is reported as skipped.

``path`` is fixed, or ``resolve()`` finds a real object the role may see (run inside Django
against the benchmark database). ``baseline`` marks the two bare views every other page is
compared with: the anonymous one for public pages, the signed-in one for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    name: str
    role: str  # "anonymous" or a demo email
    path: str = ""
    resolve: Callable[[], str | None] | None = None
    method: str = "GET"
    body: Callable[[], str] | None = None  # form body for POST; "{n}" made unique per request
    expect: int = 200
    baseline: bool = False
    public: bool = False  # compared with the anonymous baseline
    extra: dict[str, Any] = field(default_factory=dict)
    # A write that changes one object each time (register, move a sheet, reply): only in the
    # locust mix, each request on a path drawn from ``pool()``.
    pool: Callable[[], list[str]] | None = None


RESIDENT = "resident@example.jp"
COORDINATOR = "coordinator@example.jp"
STAFF = "staff.elderly@example.jp"
CITY = "city@example.jp"


def _first(model_path: str, url_name: str, **filters: Any) -> str | None:
    """The page of the newest matching object, or None while its app is not built."""
    from django.apps import apps

    app_label, model_name = model_path.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    pk = (
        model._default_manager.filter(**filters)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return _url(url_name, pk=pk) if pk is not None else None


def _url(name: str, **kwargs: Any) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _idea_body() -> str:
    return (
        "csrfmiddlewaretoken={csrf}&submission_token={n}&kind=want"
        "&title=%E5%AD%90%E3%81%A9%E3%82%82%E9%A3%9F%E5%A0%82%E3%82%92%E9%96%8B%E3%81%8D%E3%81%9F%E3%81%84"
        "&description=%E9%80%B1%E3%81%AB%E4%B8%80%E5%BA%A6%E3%80%81%E5%9C%B0%E5%9F%9F%E3%81%A7%E3%80%82"
        "&contact_method=portal"
    )


PAGES: list[Page] = [
    Page("bare view (anonymous)", "anonymous", "/bench/bare/", baseline=True, public=True),
    Page("bare view (signed in)", RESIDENT, "/bench/bare-auth/", baseline=True),
    Page("home (anonymous)", "anonymous", "/", public=True),
    Page("home (resident)", RESIDENT, "/"),
    Page("notifications (resident)", RESIDENT, "/notifications/"),
    Page("organizations (anonymous)", "anonymous", "/directory/organizations/", public=True),
    # Leading project 1: ideas and projects
    Page(
        "idea board (anonymous)",
        "anonymous",
        resolve=lambda: _url("projects:idea_board"),
        public=True,
    ),
    Page(
        "idea board, search 'kaigo' (anonymous)",
        "anonymous",
        public=True,
        resolve=lambda: (
            (u + "?q=%E4%BB%8B%E8%AD%B7") if (u := _url("projects:idea_board")) else None
        ),
    ),
    Page("coordinator inbox", COORDINATOR, resolve=lambda: _url("projects:inbox")),
    Page(
        "project page (resident)",
        RESIDENT,
        resolve=lambda: _first("projects.Project", "projects:project_detail", status="active"),
    ),
    Page(
        "idea submission (resident)",
        RESIDENT,
        resolve=lambda: _url("projects:idea_create"),
        method="POST",
        body=_idea_body,
        expect=302,
    ),
    # Leading project 1: the Future Center
    Page(
        "session calendar (anonymous)",
        "anonymous",
        public=True,
        resolve=lambda: _url("future_sessions:calendar"),
    ),
    Page("session page (anonymous)", "anonymous", public=True, resolve=lambda: _upcoming_session()),
    Page("session page (resident)", RESIDENT, resolve=lambda: _upcoming_session()),
    Page(
        "meeting pack (coordinator)",
        COORDINATOR,
        resolve=lambda: _url("future_sessions:meeting_pack", code="tsurukawa"),
    ),
    # Leading project 2: consultations (every read is written to the access log)
    Page("consultation inbox (agency staff)", STAFF, resolve=lambda: _url("consultations:inbox")),
    Page("tsunagu sheet (agency staff)", STAFF, resolve=lambda: _sheet_for(STAFF)),
    Page("overdue board (city staff)", CITY, resolve=lambda: _url("consultations:overdue_board")),
    # The plan's KPIs
    Page("KPI dashboard (city staff)", CITY, resolve=lambda: _url("indicators:dashboard")),
    # Writes in the mix: residents registering, coordinators triaging, staff moving sheets.
    Page(
        "session registration (resident, POST)",
        RESIDENT,
        method="POST",
        body=lambda: "csrfmiddlewaretoken={csrf}&seats=1",
        expect=302,
        pool=lambda: _open_sessions(),
    ),
    Page(
        "reply to a new idea (coordinator, POST)",
        COORDINATOR,
        method="POST",
        body=lambda: (
            "csrfmiddlewaretoken={csrf}"
            "&message=%E3%81%8A%E8%A9%B1%E3%82%92%E8%81%9E%E3%81%8B%E3%81%9B%E3%81%A6"
        ),
        expect=302,
        pool=lambda: _pks("projects.Idea", "projects:idea_reply", status="received"),
    ),
    Page(
        "receive a tsunagu sheet (agency staff, POST)",
        STAFF,
        method="POST",
        body=lambda: "csrfmiddlewaretoken={csrf}&to=received",
        expect=302,
        pool=lambda: _sent_sheets(STAFF),
    ),
]

POOL_SIZE = 500


def _pks(model_path: str, url_name: str, **filters: Any) -> list[str]:
    from django.apps import apps

    app_label, model_name = model_path.split(".")
    model = apps.get_model(app_label, model_name)
    pks = model._default_manager.filter(**filters).order_by("-pk").values_list("pk", flat=True)
    return [u for pk in pks[:POOL_SIZE] if (u := _url(url_name, pk=pk))]


def _open_sessions() -> list[str]:
    from django.utils import timezone

    from sessions.models import FutureSession

    pks = (
        FutureSession.objects.filter(starts_at__gt=timezone.now(), status="scheduled")
        .exclude(registrations__user__email=RESIDENT)
        .order_by("starts_at")
        .values_list("pk", flat=True)[:POOL_SIZE]
    )
    return [u for pk in pks if (u := _url("future_sessions:register", pk=pk))]


def _sent_sheets(email: str) -> list[str]:
    from consultations.models import TsunaguSheet
    from directory.models import Membership

    agency = (
        Membership.objects.filter(user__email=email, is_active=True)
        .values_list("organization_id", flat=True)
        .first()
    )
    pks = (
        TsunaguSheet.objects.filter(receiver_id=agency, status="sent")
        .order_by("-pk")
        .values_list("pk", flat=True)[:POOL_SIZE]
    )
    return [u for pk in pks if (u := _url("consultations:sheet_transition", pk=pk))]


def _sheet_for(email: str) -> str | None:
    """The newest sheet sent to the agency of ``email``."""
    from django.apps import apps

    try:
        sheet = apps.get_model("consultations", "TsunaguSheet")
        membership = apps.get_model("directory", "Membership")
    except LookupError:
        return None
    agency = (
        membership.objects.filter(user__email=email, is_active=True)
        .values_list("organization_id", flat=True)
        .first()
    )
    pk = (
        sheet.objects.filter(receiver_id=agency)
        .exclude(status="draft")
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return _url("consultations:sheet_detail", pk=pk) if pk else None


def _upcoming_session() -> str | None:
    from django.apps import apps
    from django.utils import timezone

    try:
        model = apps.get_model("future_sessions", "FutureSession")
    except LookupError:
        return None
    # One the demo resident has not registered for: the page then shows the registration
    # form, at small and at large scale alike.
    upcoming = model._default_manager.filter(
        starts_at__gt=timezone.now(), status="scheduled"
    ).order_by("starts_at")
    pk = (
        upcoming.exclude(registrations__user__email=RESIDENT).values_list("pk", flat=True).first()
        or upcoming.values_list("pk", flat=True).first()
    )
    return _url("future_sessions:session_detail", pk=pk) if pk else None
