from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from directory.images import MAX_UPLOAD_BYTES, clean_photo

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_location_and_camera_metadata_are_stripped_and_orientation_applied() -> None:
    original = (FIXTURES / "gps.jpg").read_bytes()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture has GPS
    cleaned = clean_photo(_upload("photo.jpg", original))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert not image.getexif()  # nothing at all: no GPS, no camera, no orientation tag
    assert image.size == (48, 64)  # rotated upright by the orientation it had


def test_iphone_heic_is_accepted_and_stored_as_jpeg() -> None:
    cleaned = clean_photo(
        _upload("IMG_0001.HEIC", (FIXTURES / "photo.heic").read_bytes(), "image/heic")
    )
    assert str(cleaned.name).endswith(".jpg")
    assert Image.open(io.BytesIO(cleaned.read())).size == (40, 30)


def test_a_script_named_jpg_is_refused_by_content() -> None:
    with pytest.raises(ValidationError) as err:
        clean_photo(_upload("photo.jpg", b"<script>alert(1)</script>"))
    assert err.value.code == "not_an_image"


def test_a_gif_is_refused_even_with_a_jpeg_name() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="GIF")
    with pytest.raises(ValidationError) as err:
        clean_photo(_upload("photo.jpg", buf.getvalue()))
    assert err.value.code == "format"


def test_too_large_a_file_is_refused_before_decoding() -> None:
    with pytest.raises(ValidationError) as err:
        clean_photo(_upload("big.jpg", b"0" * (MAX_UPLOAD_BYTES + 1)))
    assert err.value.code == "too_large"


def test_png_with_transparency_stays_png() -> None:
    buf = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(buf, format="PNG")
    assert str(clean_photo(_upload("a.png", buf.getvalue(), "image/png")).name).endswith(".png")
