"""Photos from phones: accept JPEG, PNG and iPhone HEIC, checked by content (never by name),
cap the size, and strip every piece of metadata (location included) before storing.

The stored file is always a fresh JPEG (or PNG for images with transparency) re-encoded from
the pixels, so no EXIF, GPS or maker notes survive; the EXIF orientation is applied first so
the photo still stands the right way up.

What an upload may cost is judged from the header, before any pixel is decoded (Pillow reads
headers lazily): its pixel count, and its decoded memory — pixels × bytes per pixel, so a
small file of 16-bit RGBA samples (8 bytes a pixel) cannot take half a gigabyte. Truncated
files are refused, never decoded leniently.
"""

from __future__ import annotations

import io
import os
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageMode, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused before it is decoded
MAX_EDGE = 2048  # stored photos are scaled down to this edge
ACCEPTED_FORMATS = {"JPEG", "PNG", "HEIF"}
# 128 MiB decoded: a 24-megapixel phone photo takes 92 MiB (Pillow keeps RGB in 4 bytes a
# pixel); a 6240×6240 PNG of 16-bit RGBA would take 297 MiB.
DEFAULT_MAX_DECODED_BYTES = 128 * 1024 * 1024
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError)


def photo_max_decoded_bytes() -> int:
    """The decoded memory one photo may take (setting or environment variable
    ``PHOTO_MAX_DECODED_BYTES``)."""
    return int(
        getattr(
            settings,
            "PHOTO_MAX_DECODED_BYTES",
            os.environ.get("PHOTO_MAX_DECODED_BYTES", DEFAULT_MAX_DECODED_BYTES),
        )
    )


def _tile_rawmode(tile: Any) -> str:
    # A tile's args are the raw mode itself (PNG) or a tuple starting with it (JPEG).
    args = tile[3]
    if isinstance(args, str):
        return args
    if isinstance(args, tuple) and args and isinstance(args[0], str):
        return args[0]
    return ""


def _bytes_per_pixel(image: Image.Image) -> int:
    try:
        mode = ImageMode.getmode(image.mode)
    except KeyError:
        return 8  # a mode Pillow does not describe: count it as the deepest there is
    sample = int(mode.typestr[-1])
    bands = len(mode.bands)
    # Pillow keeps multi-band 8-bit pixels (RGB included) in 4 bytes.
    held = 4 if bands > 1 and sample == 1 else bands * sample
    # 16-bit samples in the file (PNG "RGBA;16B", "I;16B") take 2 bytes a band as they are read.
    read = 2 * bands if any(";16" in _tile_rawmode(t) for t in getattr(image, "tile", ())) else 0
    return max(held, read)


def decoded_bytes(image: Image.Image) -> int:
    """Memory the pixels of an opened, not yet decoded, image take once decoded."""
    width, height = image.size
    return width * height * _bytes_per_pixel(image)


def clean_photo(upload: Any) -> ContentFile[bytes]:
    """Validate an uploaded file as a photo and return a metadata-free copy to store."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("写真のファイルが大きすぎます（%(mb)d MB まで）。"),
            code="too_large",
            params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            cost = decoded_bytes(probe)
            probe.verify()
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except _UNREADABLE as exc:
        raise _unreadable() from exc
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("この形式の画像は使えません。JPEG、PNG、HEIC の写真を選んでください。"),
            code="format",
        )
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    budget = photo_max_decoded_bytes()
    if cost > budget:
        raise ValidationError(
            _(
                "写真のデータが大きすぎます（展開すると %(mb)d MB まで）。"
                "画素数の少ない写真を選んでください。"
            ),
            code="too_much_memory",
            params={"mb": budget // (1024 * 1024)},
        )
    upload.seek(0)
    try:
        with Image.open(upload) as opened:
            # Scaled down first: a JPEG is then decoded at a reduced scale (Pillow's draft),
            # and only the small copy is turned upright.
            opened.thumbnail((MAX_EDGE, MAX_EDGE))
            image: Image.Image = ImageOps.exif_transpose(opened)
            keeps_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
            out = io.BytesIO()
            if keeps_alpha:
                clean = image.convert("RGBA")
                clean.save(out, format="PNG", optimize=True)
                ext = "png"
            else:
                clean = image.convert("RGB")
                clean.save(out, format="JPEG", quality=85, optimize=True)
                ext = "jpg"
    except (*_UNREADABLE, Image.DecompressionBombError) as exc:
        # A header that reads but pixels that do not: a truncated or corrupt file.
        raise _unreadable() from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


def _unreadable() -> ValidationError:
    return ValidationError(
        _("写真として読み込めませんでした。JPEG、PNG、HEIC の写真を選んでください。"),
        code="not_an_image",
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("写真の画素数が大きすぎます。"), code="too_many_pixels")


class PhotoField(forms.FileField):
    """A form field that yields a cleaned, metadata-free photo ready for an ImageField."""

    default_error_messages = {"invalid": _("写真のファイルを選んでください。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,.heic,.heif"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value and hasattr(value, "read") and value is not initial:
            return clean_photo(value)
        return value
