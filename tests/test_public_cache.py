from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from machida_portal.public_cache import cache_public_page, public_cache_bump

pytestmark = pytest.mark.django_db

calls: list[int] = []


@cache_public_page("test")
def counting_view(request: HttpRequest) -> HttpResponse:
    calls.append(1)
    return HttpResponse(f"render {len(calls)}")


def _get(rf: RequestFactory, user: Any = None, **cookies: str) -> HttpResponse:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/page/")
    request.user = user or AnonymousUser()
    request.COOKIES.update(cookies)
    return counting_view(request)


def test_anonymous_page_is_served_from_cache_until_bumped(rf: RequestFactory) -> None:
    calls.clear()
    assert _get(rf).content == b"render 1"
    assert _get(rf).content == b"render 1"
    public_cache_bump("test")
    assert _get(rf).content == b"render 2"


def test_signed_in_users_and_flash_messages_bypass_the_cache(rf: RequestFactory, demo: Any) -> None:
    calls.clear()
    _get(rf)
    assert _get(rf, user=demo.users["resident@example.jp"]).content == b"render 2"
    assert _get(rf, messages="x").content == b"render 3"


def test_a_page_with_a_csrf_token_is_never_cached(client: Any) -> None:
    client.get("/accounts/login/")
    response = client.get("/accounts/login/")
    assert "X-Page-Cache" not in response


def test_home_is_cached_for_visitors_and_shows_the_language_link(client: Any) -> None:
    first = client.get("/")
    second = client.get("/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert "/language/?language=en" in second.content.decode()


def test_language_switch_sets_the_cookie_and_goes_back_safely(client: Any) -> None:
    response = client.get("/language/", {"language": "en", "next": "/directory/districts/"})
    assert response.status_code == 302 and response["Location"] == "/directory/districts/"
    assert response.cookies["django_language"].value == "en"
    assert "Machida" in client.get("/directory/districts/").content.decode()
    evil = client.get("/language/", {"language": "en", "next": "https://evil.example/"})
    assert evil["Location"] == "/"


def test_every_scope_in_use_is_listed() -> None:
    """``SCOPES`` is what directory edits and the benchmark's cold counts bump: a scope
    used in code or templates but missing there would never go stale on those paths."""
    import re
    from pathlib import Path

    from machida_portal.public_cache import SCOPES

    root = Path(__file__).resolve().parents[1]
    used: set[str] = set()
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(errors="replace")
        used |= set(re.findall(r'cache_public_page\("([a-z_]+)"', text))
        used |= set(re.findall(r'public_cache_bump\("([a-z_]+)"', text))
        used |= set(re.findall(r'^CACHE_SCOPE = "([a-z_]+)"', text, re.M))
    for path in (root / "templates").glob("**/*.html"):
        for args in re.findall(r"{% scope_version ((?:\"[a-z_]+\" ?)+)", path.read_text()):
            used |= set(re.findall(r'"([a-z_]+)"', args))
    assert used, "the scan found no scope at all"
    assert used <= set(SCOPES), used - set(SCOPES)


@cache_public_page("test")
def bumping_view(request: HttpRequest) -> HttpResponse:
    """A page whose data changes while it renders (a write commits meanwhile)."""
    calls.append(1)
    if len(calls) == 1:
        public_cache_bump("test")
    return HttpResponse(f"render {len(calls)}")


def test_a_page_rendered_while_its_scope_changed_is_not_served_again(rf: RequestFactory) -> None:
    from django.contrib.auth.models import AnonymousUser

    calls.clear()
    request = rf.get("/bumping/")
    request.user = AnonymousUser()
    assert bumping_view(request).content == b"render 1"
    assert bumping_view(request).content == b"render 2"
    assert bumping_view(request).content == b"render 2"


@pytest.mark.django_db(transaction=True)
def test_pages_go_stale_only_after_the_write_commits() -> None:
    """``pages_changed`` inside a transaction bumps nothing until the commit: a visitor
    between the bump and the commit would cache the old page under the new generation."""
    from django.db import transaction

    from machida_portal.public_cache import pages_changed, scope_version

    before = scope_version("test")
    with transaction.atomic():
        pages_changed("test")
        assert scope_version("test") == before
    assert scope_version("test") != before


def test_the_second_bump_comes_later(settings: Any) -> None:
    """A page that read its data before the commit and its fragment generation after the
    first bump is made stale by the second one."""
    import time

    from machida_portal.public_cache import _bump_twice, scope_version

    settings.PAGE_REBUMP_SECONDS = 0.05
    _bump_twice(("test",))
    after_first = scope_version("test")
    deadline = time.monotonic() + 5
    while scope_version("test") == after_first and time.monotonic() < deadline:
        time.sleep(0.01)
    assert scope_version("test") != after_first


def test_many_writes_share_one_timer_and_each_scope_is_bumped_after_its_last_write(
    settings: Any,
) -> None:
    import threading
    import time

    from machida_portal import public_cache
    from machida_portal.public_cache import _bump_twice, scope_version

    settings.PAGE_REBUMP_SECONDS = 1.0
    threads_before = threading.active_count()
    for _ in range(50):
        _bump_twice(("test", "other"))
    assert threading.active_count() <= threads_before + 1  # one timer, not fifty
    time.sleep(0.4)
    _bump_twice(("test",))  # written again: its second bump moves later (to about 1.4 s)
    after = scope_version("test")
    other = scope_version("other")
    deadline = time.monotonic() + 5
    while scope_version("other") == other and time.monotonic() < deadline:
        time.sleep(0.01)  # "other"'s second bump, due at about 1.0 s
    assert scope_version("other") != other
    assert scope_version("test") == after
    deadline = time.monotonic() + 5
    while scope_version("test") == after and time.monotonic() < deadline:
        time.sleep(0.01)
    assert scope_version("test") != after
    assert not public_cache._due
