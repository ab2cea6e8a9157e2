from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from directory.images import (
    MAX_UPLOAD_BYTES,
    clean_photo,
    decoded_bytes,
    photo_max_decoded_bytes,
)
from tests.security.forms import (
    broken_images,
    png_bomb_header,
    png_of_zeros,
    truncated_jpeg,
)

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


# --- issue #11, findings 9 and 10: decoded memory, broken files ----------------------------


def test_a_16_bit_rgba_png_is_refused_by_decoded_memory_before_decoding(
    no_decoding: list[str],
) -> None:
    # 6240×6240 is under the pixel cap, but 8 bytes a pixel make 311 MB decoded.
    content = png_of_zeros(6240, 6240)
    assert len(content) < 400_000
    with pytest.raises(ValidationError) as err:
        clean_photo(_upload("huge.png", content, "image/png"))
    assert err.value.code == "too_much_memory"
    assert "MB" in str(err.value.messages[0])
    assert no_decoding == []


def test_the_memory_budget_counts_bytes_per_pixel_not_pixels(settings: Any) -> None:
    settings.PHOTO_MAX_DECODED_BYTES = 100 * 100 * 4
    # Same pixel count: 8-bit grey (1 byte a pixel) fits, 16-bit RGBA (8 bytes) does not.
    clean_photo(_upload("grey.png", png_of_zeros(100, 100, bit_depth=8, color_type=0)))
    with pytest.raises(ValidationError) as err:
        clean_photo(_upload("deep.png", png_of_zeros(100, 100)))
    assert err.value.code == "too_much_memory"


def test_an_ordinary_phone_photo_fits_the_default_budget() -> None:
    assert decoded_bytes(Image.new("RGB", (4000, 6000))) <= photo_max_decoded_bytes()


def test_a_truncated_jpeg_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValidationError) as err:
        clean_photo(_upload("cut.jpg", truncated_jpeg()))
    assert err.value.code == "not_an_image"


def test_a_header_beyond_pillows_bomb_limit_is_refused_with_a_clear_error(
    no_decoding: list[str],
) -> None:
    with pytest.raises(ValidationError) as err:
        clean_photo(_upload("bomb.png", png_bomb_header(), "image/png"))
    assert err.value.code == "too_many_pixels"
    assert no_decoding == []


def test_truncated_images_are_never_loaded_leniently() -> None:
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_printing_a_pdf_does_not_make_uploads_lenient() -> None:
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import; a worker that
    printed a tsunagu sheet must still refuse a truncated photo."""
    from PIL import ImageFile

    from consultations.printing import html_to_pdf

    assert html_to_pdf("<p>印刷</p>").startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(ValidationError):
        clean_photo(_upload("truncated.jpg", broken_images()["truncated.jpg"]))


@pytest.mark.parametrize("name", sorted(broken_images()))
def test_every_broken_image_is_a_validation_error(name: str) -> None:
    with pytest.raises(ValidationError):
        clean_photo(_upload(name, broken_images()[name]))
