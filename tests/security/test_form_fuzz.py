"""Never a 5xx, whatever is sent.

Property-based: generated data posted to every form a role can reach never causes a 5xx,
and a form that answers "invalid" (re-rendered with 200) stored nothing. Since issue #11
the probe's inputs are swept deterministically too — NUL bytes, Unicode digits (², ٣,
full-width １２), huge integers (99999999999, 2**63) into each field in turn while the
others hold plausible values, and broken images (truncated JPEG, a PNG small on disk but
huge decoded, random bytes named .png) into every file field — and into every query
parameter each page reads, on every GET URL of the access matrix each role may open.

The sweep reports every 5xx it met (and every NUL not answered 400), not only the first,
each with the line of the portal's code it came from. A 5xx another change must fix is
listed in ``KNOWN_5XX`` with its reason: the test then xfails while it still happens and
fails once it is gone, like ``xfail(strict=True)``. Runs on PostgreSQL in CI, where NUL
and out-of-range integers break.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import Row, all_rows
from tests.security.forms import (
    BAD_SCALARS,
    NUL,
    FoundForm,
    broken_images,
    crawl_html,
    forms_in,
    model_counts,
    query_keys_read,
)

ROLES = ["resident", "member", "coordinator", "staff_elderly", "cwc", "city", "admin"]
ROOT = Path(__file__).resolve().parents[2]

# (method, URL pattern) → why it still answers 5xx and who fixes it. Empty when every
# page holds.
KNOWN_5XX: dict[tuple[str, str], str] = {}

text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "9" * 30,
            "2026-02-30",
            "<script>alert(1)</script>",
            "=cmd|' /C calc'!A0",
            "'; DROP TABLE x; --",
            "\x00",
            "あ" * 5000,
            *BAD_SCALARS,
        ]
    ),
)

# Into each number field, choice and hidden id: a digit int() refuses, full-width digits
# it reads, beyond a PositiveIntegerField, beyond a bigint.
NUMBERS = ["²", "１２", "99999999999", str(2**63)]
# Query values: NUL is the input guard's (one request per page shows it answers 400).
QUERY_VALUES = ["²", "１２", "99999999999", str(2**63), "-1", "9" * 400, "2026-02-30"]


class Failures:
    """5xx answers met during the sweep, once per method and URL pattern, with what was
    sent and where it broke."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}

    def check(self, method: str, url: str, sent: Any, response: Any) -> None:
        if response.status_code >= 500:
            key = (method, _pattern(url))
            shown = {k: v if isinstance(v, str) else getattr(v, "name", v) for k, v in sent.items()}
            self.seen.setdefault(
                key,
                f"{method} {url}: {response.status_code} for {str(shown)[:300]}\n"
                f"    {_where(response)}",
            )

    def assert_none(self) -> None:
        unknown = {k: v for k, v in self.seen.items() if k not in KNOWN_5XX}
        assert not unknown, "answers that break the rule:\n" + "\n".join(unknown.values())
        known = sorted(set(self.seen) & set(KNOWN_5XX))
        if known:
            pytest.xfail("; ".join(f"{m} {p}: {KNOWN_5XX[(m, p)]}" for m, p in known))


def _where(response: Any) -> str:
    """The exception and the deepest line of the portal's own code it went through."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "(no exception recorded)"
    _, exc, tb = exc_info
    ours = [
        f"{frame.filename.removeprefix(str(ROOT) + '/')}:{frame.lineno} {frame.line}"
        for frame in traceback.extract_tb(tb)
        if frame.filename.startswith(str(ROOT)) and "/.venv/" not in frame.filename
    ]
    return f"{type(exc).__name__}: {str(exc)[:160]} at {ours[-1] if ours else '?'}"


def _pattern(url: str) -> str:
    """The URL's path with object ids replaced, so one page's failures count once."""
    return re.sub(r"/\d+/", "/<id>/", urlsplit(url).path)


# --- the sweep ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_probe_inputs_never_cause_a_5xx(role_users: dict[str, Any], client: Any) -> None:
    """As each role: every query parameter of every page it may open (the access matrix's
    GET rows and the crawled pages with a query string), then every form on those pages and
    on the crawled ones. A page or a form (by URL pattern and parameter or field names) met
    again as another role is not swept again, which keeps the run short."""
    client.raise_request_exception = False  # a 5xx is recorded and the sweep goes on
    failures = Failures()
    forms_done: set[tuple[str, tuple[str, ...]]] = set()
    pages_done: set[tuple[str, tuple[str, ...]]] = set()
    row_urls: dict[str, str] = {}
    for role in ["anonymous", *ROLES]:
        client.logout()
        if role != "anonymous":
            client.force_login(role_users[role])
        crawled = crawl_html(client)
        pages = dict(crawled)
        for url in _pages_for(role, row_urls, role_users, crawled):
            pages[url] = _sweep_query(client, url, failures, pages_done)
        if role == "anonymous":  # sign-up and sign-in forms belong to allauth's own tests
            continue
        for form in forms_in(pages):
            key = (_pattern(form.action), tuple(sorted([*form.fields, *form.choices])))
            if key not in forms_done:
                forms_done.add(key)
                _sweep_form(client, form, failures)
                _fuzz_form(client, form, failures)
    failures.assert_none()
    # The sweep found what it sweeps (a broken crawl or key recorder would find nothing).
    assert len(forms_done) > 20 and len(pages_done) > 20, (len(forms_done), len(pages_done))


# --- forms (POST) --------------------------------------------------------------------------


def _post(client: Any, form: FoundForm, data: dict[str, Any], failures: Failures) -> Any:
    before = model_counts()
    response = client.post(form.action, data)
    failures.check("POST", form.action, data, response)
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        assert model_counts() == before, f"{form.action} re-rendered as invalid but stored rows"
    return response


def _sweep_form(client: Any, form: FoundForm, failures: Failures) -> None:
    """Each field in turn gets the probe's values while the others are plausible: every
    number field, choice and hidden id each of ``NUMBERS``, every other field a NUL and one
    of them in turn; then each broken image goes into every file field."""
    names = sorted(n for n in [*form.fields, *form.choices] if n != "csrfmiddlewaretoken")
    for i, name in enumerate(names):
        if name in form.choices or form.fields.get(name) in ("number", "hidden"):
            values = NUMBERS
        else:
            values = [NUL, NUMBERS[i % len(NUMBERS)]]
        for value in values:
            _post(client, form, {**form.plausible(), name: value}, failures)
    if form.files:
        for filename, content in broken_images().items():
            files = {n: SimpleUploadedFile(filename, content) for n in form.files}
            _post(client, form, {**form.plausible(), **files}, failures)


def _fuzz_form(client: Any, form: FoundForm, failures: Failures) -> None:
    names = sorted(form.fields)
    choice_names = sorted(form.choices)
    images = sorted(broken_images())

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        values=st.fixed_dictionaries({n: text for n in names}),
        picks=st.fixed_dictionaries(
            {
                n: st.one_of(st.sampled_from(form.choices[n] or [""]), st.sampled_from(BAD_SCALARS))
                for n in choice_names
            }
        ),
        files=st.fixed_dictionaries({n: st.sampled_from(images) for n in form.files}),
    )
    def check(values: dict[str, str], picks: dict[str, str], files: dict[str, str]) -> None:
        data: dict[str, Any] = {k: v for k, v in values.items() if k != "csrfmiddlewaretoken"}
        data.update(picks)
        data.update({n: SimpleUploadedFile(f, broken_images()[f]) for n, f in files.items()})
        _post(client, form, data, failures)

    check()


# --- query parameters (GET) ----------------------------------------------------------------


def _pages_for(
    role: str, urls: dict[str, str], role_users: dict[str, Any], crawled: dict[str, Any]
) -> list[str]:
    """Every GET URL of the access matrix this role may open, and the crawled pages whose
    links carry a query string. A row's objects are made once (``urls``), for every role."""
    mine = []
    for row in all_rows():
        if row.method == "get" and row.expected[role] == 200:
            if row.test_id not in urls:
                urls[row.test_id] = _url(row, role_users)
            mine.append(urls[row.test_id])
    return mine + [path for path, (status, _) in crawled.items() if status == 200 and "?" in path]


def _url(row: Row, role_users: dict[str, Any]) -> str:
    kwargs = row.kwargs(role_users) if row.kwargs else {}
    return reverse(row.name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")


def _with(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def _sweep_query(
    client: Any, url: str, failures: Failures, done: set[tuple[str, tuple[str, ...]]]
) -> tuple[int, str]:
    """Sweeps the parameters the page reads; returns its (status, html) for its forms."""
    get: Callable[[str], Any] = client.get
    with query_keys_read() as keys:
        # A non-empty query string binds forms built from ``request.GET or None``.
        first = get(_with(url, {"_probe": "1"}))
    failures.check("GET", url, {}, first)
    html = first.content.decode() if "text/html" in first.get("Content-Type", "") else ""
    params = sorted(keys - {"_probe"})
    shape = (_pattern(url), tuple(params))
    if first.status_code != 200 or not params or shape in done:
        return first.status_code, html
    done.add(shape)
    for value in QUERY_VALUES:
        sent = dict.fromkeys(params, value)
        failures.check("GET", url, sent, get(_with(url, sent)))
    for i, name in enumerate(params):
        sent = {name: QUERY_VALUES[(i + 1) % len(QUERY_VALUES)]}
        failures.check("GET", url, sent, get(_with(url, sent)))
    response = get(_with(url, {params[0]: "\x00"}))
    if response.status_code != 400:
        failures.seen[("NUL", _pattern(url))] = (
            f"GET {url}: NUL in {params[0]} got {response.status_code}"
        )
    return first.status_code, html
