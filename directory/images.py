"""Photos from phones: accept JPEG, PNG and iPhone HEIC, checked by content (never by name),
cap the size, and strip every piece of metadata (location included) before storing.

The stored file is always a fresh JPEG (or PNG for images with transparency) re-encoded from
the pixels, so no EXIF, GPS or maker notes survive; the EXIF orientation is applied first so
the photo still stands the right way up.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused before it is decoded
MAX_EDGE = 2048  # stored photos are scaled down to this edge
ACCEPTED_FORMATS = {"JPEG", "PNG", "HEIF"}


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
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("写真として読み込めませんでした。JPEG、PNG、HEIC の写真を選んでください。"),
            code="not_an_image",
        ) from exc
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("この形式の画像は使えません。JPEG、PNG、HEIC の写真を選んでください。"),
            code="format",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("写真の画素数が大きすぎます。"), code="too_many_pixels")
    upload.seek(0)
    with Image.open(upload) as opened:
        image: Image.Image = ImageOps.exif_transpose(opened)
        image.thumbnail((MAX_EDGE, MAX_EDGE))
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
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


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
