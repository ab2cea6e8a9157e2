"""Find the POST forms a role can reach by crawling, post data into them, and the bad
inputs the probe of issue #11 found (broken images, NUL bytes, Unicode digits, huge
integers)."""

from __future__ import annotations

import functools
import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

SKIP_ACTIONS = ("/accounts/logout/", "/i18n/", "/language/", "/admin/")


@dataclass
class FoundForm:
    page: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → kind (text, textarea, …)
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # what the page filled in

    def plausible(self) -> dict[str, str]:
        """Data a person might send: the page's own values, else one that fits the input's
        type, and each choice's selected (else first non-empty) option. A bad value put into
        one field then reaches the code behind the form instead of stopping at another one."""
        data = {
            n: self.values.get(n) or PLAUSIBLE.get(kind, "テスト")
            for n, kind in self.fields.items()
        }
        for name, options in self.choices.items():
            chosen = self.values.get(name)
            data[name] = chosen if chosen is not None else next((o for o in options if o), "")
        data.pop("csrfmiddlewaretoken", None)
        return data


PLAUSIBLE = {
    "date": "2026-12-01",
    "datetime-local": "2026-12-01T10:00",
    "time": "10:00",
    "number": "1",
    "email": "fuzz@example.jp",
    "url": "https://example.jp/",
    "tel": "042-000-0000",
    "hidden": "",
}


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[FoundForm] = []
        self.current: FoundForm | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = FoundForm(page=self.page, action=a.get("action") or self.page)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "file":
                self.current.files.append(a["name"])
            elif kind in ("checkbox", "radio"):
                self.current.choices.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    self.current.values[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset"):
                self.current.fields[a["name"]] = kind
                # A number field's lowest allowed value is a plausible one (a fiscal year).
                if a.get("value") or a.get("min"):
                    self.current.values[a["name"]] = a.get("value") or a["min"]
        elif tag == "textarea" and a.get("name"):
            self.current.fields[a["name"]] = "textarea"
            self.textarea = a["name"]
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.current.choices.setdefault(a["name"], [])
        elif tag == "option" and self.select:
            self.current.choices[self.select].append(a.get("value", ""))
            if "selected" in a:
                self.current.values[self.select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.textarea and data.strip():
            self.current.values[self.textarea] = data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def forms_for(client: Any, max_pages: int = 80) -> list[FoundForm]:
    """Every distinct POST form on the pages this client reaches from ``/``."""
    return forms_in(dict(list(crawl_html(client).items())[:max_pages]))


def crawl_html(client: Any) -> dict[str, tuple[int, str]]:
    """``tests.test_crawl.crawl`` keeping each page's HTML: path → (status, html or "")."""
    from collections import deque

    from tests.test_crawl import MAX_PAGES, _links

    seen: dict[str, tuple[int, str]] = {}
    queue: deque[str] = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        html = ""
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            queue.extend(_links(path, html))
        seen[path] = (response.status_code, html)
    return seen


def forms_in(pages: dict[str, tuple[int, str]]) -> list[FoundForm]:
    """Every distinct POST form (by action and field names) on these pages."""
    found: dict[str, FoundForm] = {}
    for path, (_, html) in pages.items():
        parser = _FormParser(path)
        parser.feed(html)
        for form in parser.forms:
            if form.action.startswith(SKIP_ACTIONS):
                continue
            key = form.action.split("?")[0] + "|" + ",".join(sorted(form.fields))
            found.setdefault(key, form)
    return list(found.values())


@contextmanager
def query_keys_read() -> Iterator[set[str]]:
    """The keys views read from a ``QueryDict`` (``request.GET``; ``request.POST`` is empty on
    a GET) while the block runs: the query parameters a page really takes, whether it reads
    them itself or through a form bound to ``request.GET``."""
    from django.http import QueryDict

    names = ("get", "getlist", "__getitem__", "__contains__")
    own = {name: QueryDict.__dict__[name] for name in names if name in QueryDict.__dict__}
    keys: set[str] = set()

    def recording(method: Any) -> Any:
        def read(self: Any, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                keys.add(key)
            return method(self, key, *args, **kwargs)

        return read

    for name in names:
        setattr(QueryDict, name, recording(getattr(QueryDict, name)))
    try:
        yield keys
    finally:
        for name in names:
            if name in own:
                setattr(QueryDict, name, own[name])
            else:
                delattr(QueryDict, name)  # inherited again from MultiValueDict / dict


def model_counts() -> dict[str, int]:
    from django.apps import apps

    ours = {
        "accounts",
        "directory",
        "reminders",
        "projects",
        "future_sessions",
        "consultations",
        "indicators",
    }
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ours
        and not m._meta.label.endswith(("AccessLog", "PersonalDataView"))
    }


# --- bad inputs ---------------------------------------------------------------------------

NUL = "\x00"
UNICODE_DIGITS = ["²", "٣", "１２", "０", "۱"]  # pass str.isdigit() (or isnumeric), not int()
HUGE_INTEGERS = ["99999999999", str(2**63), str(2**31), "-" + str(2**63), "1e309"]
BAD_SCALARS = [NUL, "a" + NUL + "b", *UNICODE_DIGITS, *HUGE_INTEGERS]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def png_of_zeros(width: int, height: int, *, bit_depth: int = 16, color_type: int = 6) -> bytes:
    """A valid PNG of black pixels, small on disk whatever it costs decoded: 6240×6240 16-bit
    RGBA (311 MB of samples) is ~300 KB. Rows are compressed in blocks ended by a full flush,
    so one compressed block can be repeated instead of compressing every row."""
    bands = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\0" * (1 + width * bands * bit_depth // 8)
    per_block = 64
    blocks, rest = divmod(height, per_block)
    compressor = zlib.compressobj(9)
    first = compressor.compress(row * per_block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(row * per_block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(row * rest) + compressor.flush()
    checksum = 1
    for _ in range(blocks):
        checksum = zlib.adler32(row * per_block, checksum)
    checksum = zlib.adler32(row * rest, checksum)
    stream = (first + again * (blocks - 1) + tail)[:-4] + struct.pack(">I", checksum)
    return (
        png_header(width, height, bit_depth=bit_depth, color_type=color_type)
        + _png_chunk(b"IDAT", stream)
        + _png_chunk(b"IEND", b"")
    )


def png_header(width: int, height: int, *, bit_depth: int = 8, color_type: int = 0) -> bytes:
    """A PNG's signature and header: what Pillow reads before any pixel."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)


def png_bomb_header(width: int = 20000, height: int = 20000) -> bytes:
    """A header announcing more pixels than Pillow's own bomb check allows, and no pixels."""
    empty = zlib.compress(b"")
    return png_header(width, height) + _png_chunk(b"IDAT", empty) + _png_chunk(b"IEND", b"")


@functools.cache
def truncated_jpeg() -> bytes:
    """A real JPEG cut off halfway: its header reads, its pixels do not."""
    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((64, 64), 50).convert("RGB").save(buf, format="JPEG", quality=90)
    data = buf.getvalue()
    return data[: len(data) // 2]


def broken_images() -> dict[str, bytes]:
    """File name → content of every broken image the probe tries."""
    return {
        "truncated.jpg": truncated_jpeg(),
        "huge-decoded.png": png_of_zeros(6240, 6240),
        "bomb-header.png": png_bomb_header(),
        "random.png": bytes(range(256)) * 8,
        "empty.jpg": b"",
    }
