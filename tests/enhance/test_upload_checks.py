"""enhancement_create: every docs/spec.md §7 bad input that reaches an upload gets its docs/spec.md §3 words and
leaves no row and no file; every accepted format and odd-but-valid image is stored."""

import io

import pytest
from PIL import Image

from enhance.models import Enhancement
from enhance.services import enhancement_create
from enhance.validation import EnhancementError

pytestmark = pytest.mark.django_db

INVALID = "Invalid file type. Please upload a valid image."


def refused(user, upload, media_files, **options) -> EnhancementError:
    with pytest.raises(EnhancementError) as caught:
        enhancement_create(owner=user, upload=upload, **options)
    assert Enhancement.objects.count() == 0
    assert media_files() == []
    return caught.value


@pytest.mark.parametrize(
    ("fmt", "name", "stored"),
    [
        ("JPEG", "a.jpg", "JPEG"),
        ("PNG", "a.png", "PNG"),
        ("WEBP", "a.webp", "WEBP"),
        ("BMP", "a.bmp", "BMP"),
        ("TIFF", "a.tif", "TIFF"),
        ("GIF", "a.gif", "GIF"),
    ],
)
def test_upload_accepts_each_format_as_a_new_enhancement(user, make_upload, media_files, fmt, name, stored):
    enhancement = enhancement_create(owner=user, upload=make_upload(name, size=(12, 8), fmt=fmt))
    assert enhancement.status == Enhancement.Status.NEW
    assert (enhancement.original_format, enhancement.original_width, enhancement.original_height) == (stored, 12, 8)
    assert enhancement.original_name == name
    assert media_files() == [enhancement.original.name]


def test_upload_rejects_no_file(user, media_files):
    assert str(refused(user, None, media_files)) == "No file received."


def test_upload_rejects_empty_file(user, make_upload, media_files):
    assert str(refused(user, make_upload("empty.png", data=b""), media_files)) == "No file received."


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.png", b"just some text, not an image\n" * 10),
        ("paper.png", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'),
        ("page.png", b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"),
    ],
    ids=["text", "pdf", "svg", "html"],
)
def test_upload_rejects_non_images_renamed_png(user, make_upload, media_files, name, data):
    assert str(refused(user, make_upload(name, data=data), media_files)) == INVALID


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_upload_rejects_truncated_image(user, make_upload, make_image_bytes, media_files, fmt):
    data = make_image_bytes(size=(64, 48), fmt=fmt)
    assert str(refused(user, make_upload("cut.img", data=data[: len(data) // 2]), media_files)) == INVALID


def test_upload_rejects_decompression_bomb_with_its_size(user, make_upload, make_png_header, media_files):
    bomb = make_png_header(20000, 20000)
    assert len(bomb) < 200
    message = str(refused(user, make_upload("bomb.png", data=bomb), media_files))
    assert message == "Image too large: 20000×20000 pixels. The maximum is 16 megapixels."


def test_upload_rejects_too_many_input_pixels_before_decoding(user, make_upload, make_png_header, media_files):
    message = str(refused(user, make_upload("big.png", data=make_png_header(5000, 4000)), media_files))
    assert message == "Image too large: 5000×4000 pixels. The maximum is 16 megapixels."


def test_upload_rejects_too_many_bytes_with_413(user, make_upload, media_files, settings):
    settings.SRSITE_MAX_UPLOAD_MB = 1
    error = refused(user, make_upload("huge.png", data=b"\0" * (1024 * 1024 + 1)), media_files)
    assert (str(error), error.status) == ("File too large. The maximum size is 1 MB.", 413)


def test_upload_rejects_too_many_output_pixels_for_the_scale(user, make_upload, media_files, settings):
    settings.SRSITE_MAX_OUTPUT_MP = 1
    message = str(refused(user, make_upload(size=(300, 300)), media_files, scale=4))
    assert message == "The result would be 1200×1200 pixels. The maximum is 1 megapixels; choose a smaller scale."


def test_upload_rejects_zero_pixel_image(user, make_upload, make_png_header, media_files):
    assert str(refused(user, make_upload("zero.png", data=make_png_header(0, 10)), media_files)) == INVALID


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_upload_rejects_animated_image(user, make_upload, media_files, fmt):
    frames = [Image.new("RGB", (8, 8), color) for color in ("red", "blue", "green")]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    message = str(refused(user, make_upload("anim." + fmt.lower(), data=buffer.getvalue()), media_files))
    assert message == "Animated images are not supported. Please upload a still image."


def test_upload_rejects_bad_scale(user, make_upload, media_files):
    assert str(refused(user, make_upload(), media_files, scale=5)) == "Scale must be one of 2, 3, 4."


def test_upload_rejects_unknown_model_with_the_zoo_names(user, make_upload, media_files):
    message = str(refused(user, make_upload(), media_files, model="nope"))
    assert message.startswith("Unknown model 'nope'. Choose one of: ")
    assert "bicubic" in message


@pytest.mark.parametrize(
    ("mode", "fmt", "options"),
    [("CMYK", "JPEG", {}), ("I;16", "PNG", {}), ("P", "PNG", {"transparency": 0}), ("L", "PNG", {})],
    ids=["cmyk-jpeg", "16-bit-png", "palette-transparent-png", "grayscale"],
)
def test_upload_accepts_unusual_pixel_formats(user, make_upload, mode, fmt, options):
    enhancement = enhancement_create(owner=user, upload=make_upload("odd", mode=mode, fmt=fmt, **options))
    assert (enhancement.original_width, enhancement.original_height) == (12, 8)


def test_upload_of_exif_rotated_photo_records_the_upright_size(user, make_upload):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    enhancement = enhancement_create(owner=user, upload=make_upload("phone.jpg", fmt="JPEG", size=(12, 8), exif=exif))
    assert (enhancement.original_width, enhancement.original_height) == (8, 12)


def test_upload_accepts_one_pixel_image(user, make_upload):
    assert enhancement_create(owner=user, upload=make_upload(size=(1, 1))).original_width == 1


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\me\\holiday.png", "holiday.png"),
        ("фото отпуск 📷.png", "фото отпуск 📷.png"),
        (".hidden.png", "hidden.png"),
    ],
)
def test_upload_keeps_a_safe_display_name_and_never_uses_it_in_storage(user, make_upload, name, kept):
    enhancement = enhancement_create(owner=user, upload=make_upload(name))
    assert enhancement.original_name == kept
    assert enhancement.original.name.startswith("originals/")
    assert ".." not in enhancement.original.name and kept not in enhancement.original.name


def test_upload_with_300_character_name_is_cut_to_fit_keeping_the_extension(user, make_upload):
    enhancement = enhancement_create(owner=user, upload=make_upload("x" * 296 + ".png"))
    assert len(enhancement.original_name) == 255 and enhancement.original_name.endswith(".png")


def test_same_file_twice_makes_two_enhancements_with_their_own_files(user, make_upload, make_image_bytes):
    data = make_image_bytes()
    first = enhancement_create(owner=user, upload=make_upload("a.png", data=data))
    second = enhancement_create(owner=user, upload=make_upload("a.png", data=data))
    assert first.pk != second.pk and first.original.name != second.original.name
