"""Find the POST forms a role can reach by crawling, post data into them, and the bad
inputs the probe of issue #11 found (broken images, NUL bytes, Unicode digits, huge
integers)."""

from __future__ import annotations

import functools
import io
import struct
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from tests.test_crawl import crawl

SKIP_ACTIONS = ("/accounts/logout/", "/i18n/", "/language/", "/admin/")


@dataclass
class FoundForm:
    page: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → kind (text, textarea, …)
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[FoundForm] = []
        self.current: FoundForm | None = None
        self.select: str | None = None

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
            elif kind not in ("submit", "button", "image", "reset"):
                self.current.fields[a["name"]] = kind
        elif tag == "textarea" and a.get("name"):
            self.current.fields[a["name"]] = "textarea"
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.current.choices.setdefault(a["name"], [])
        elif tag == "option" and self.select:
            self.current.choices[self.select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def forms_for(client: Any, max_pages: int = 80) -> list[FoundForm]:
    """Every distinct POST form on the pages this client reaches from ``/``."""
    found: dict[str, FoundForm] = {}
    pages = crawl(client)
    for path, (status, _) in list(pages.items())[:max_pages]:
        if status != 200:
            continue
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _FormParser(path)
        parser.feed(response.content.decode())
        for form in parser.forms:
            if form.action.startswith(SKIP_ACTIONS):
                continue
            key = form.action.split("?")[0] + "|" + ",".join(sorted(form.fields))
            found.setdefault(key, form)
    return list(found.values())


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
