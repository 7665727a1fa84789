"""Display-sized images: the result's preview (made as the job finishes, or once on first use for older
rows) and the upload's thumbnail (made once on first use), recorded with their sizes and deleted with their
files (the API's preview: tests/api/test_api_exports.py)."""

import io

import pytest
from django.test import Client
from PIL import Image

from enhance import exports, rendering, services
from enhance.models import Enhancement, Upload
from enhance.services.limits import stored_bytes

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


@pytest.fixture
def finished(make_enhancement, run_jobs):
    """A job run through the real engine (bicubic, so any size is quick)."""

    def make(size=(12, 8), scale=2, **image_options):
        enhancement = make_enhancement(**({"size": size} if size else {}), **image_options)
        with run_jobs():
            services.enhancement_queue(enhancement=enhancement, scale=scale, model="bicubic", quality_check=False)
        enhancement.refresh_from_db()
        assert enhancement.status == Status.DONE, enhancement.error
        return enhancement

    return make


@pytest.fixture
def owner_client(user):
    client = Client()
    client.force_login(user)
    return client


def photo(size) -> bytes:
    """Photo-like content (grain on colour): what PNG compresses badly and a display WebP well."""
    bands = [
        Image.effect_noise(size, sigma).point(lambda v, o=offset: min(255, v // 2 + o))
        for sigma, offset in ((30, 60), (40, 90), (50, 20))
    ]
    buffer = io.BytesIO()
    Image.merge("RGB", bands).save(buffer, "PNG")
    return buffer.getvalue()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_preview_of_a_large_result_is_display_sized_and_a_fraction_of_the_png(finished):
    enhancement = finished(size=None, scale=4, data=photo((400, 300)))  # 1600×1200, the example
    assert (enhancement.result_width, enhancement.result_height) == (1600, 1200)
    with enhancement.preview.open("rb") as file, Image.open(file) as preview:
        assert (preview.format, preview.size) == ("WEBP", (1600, 1200))
    assert enhancement.preview_bytes == enhancement.preview.size < enhancement.result.size / 4


def test_preview_longest_side_is_1600(finished):
    enhancement = finished(size=(300, 700), scale=3)  # 900×2100
    with enhancement.preview.open("rb") as file, Image.open(file) as preview:
        assert preview.size == (686, 1600)


def test_row_without_a_preview_gets_one_once_on_first_view(finished, owner_client, media_files, monkeypatch):
    enhancement = finished()
    made = enhancement.preview.name
    enhancement.preview.storage.delete(made)  # as a row finished before previews existed
    Enhancement.objects.filter(pk=enhancement.pk).update(preview="", preview_bytes=0)

    url = f"/enhancements/{enhancement.pk}/files/preview/"
    first = owner_client.get(url)
    assert (first.status_code, first["Content-Type"]) == (200, "image/webp")
    data = body(first)
    enhancement.refresh_from_db()
    assert (enhancement.preview.name, enhancement.preview_bytes) == (made, len(data))
    monkeypatch.setattr(exports.rendering, "preview", lambda *a, **k: pytest.fail("made twice"))
    assert body(owner_client.get(url)) == data


def test_upload_thumbnail_is_made_once_before_any_result_and_recorded(
    make_enhancement, owner_client, media_files, monkeypatch
):
    enhancement = make_enhancement(size=(640, 480))  # a draft: no job has run
    url = f"/enhancements/{enhancement.pk}/files/original-thumbnail/"
    response = owner_client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/webp")
    data = body(response)
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.size == (320, 240)
    upload = Upload.objects.get(pk=enhancement.upload_id)
    assert upload.thumbnail_bytes == len(data) and upload.thumbnail.name in media_files()
    monkeypatch.setattr(exports.rendering, "thumbnail", lambda *a, **k: pytest.fail("made twice"))
    assert body(owner_client.get(url)) == data


def test_original_display_is_a_webp_of_at_most_1600_px_made_once_and_counted(
    make_enhancement, owner_client, media_files, monkeypatch, user
):
    enhancement = make_enhancement(name="scan.tif", size=(2000, 1500), fmt="TIFF")  # no browser draws a TIFF
    url = f"/enhancements/{enhancement.pk}/files/original-display/"
    response = owner_client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/webp")
    data = body(response)
    with Image.open(io.BytesIO(data)) as display:
        assert display.size == (1600, 1200)
    upload = Upload.objects.get(pk=enhancement.upload_id)
    assert upload.display_bytes == len(data) and upload.display.name in media_files()
    assert stored_bytes(owner=user) == upload.bytes + upload.display_bytes
    monkeypatch.setattr(exports.rendering, "preview", lambda *a, **k: pytest.fail("made twice"))
    assert body(owner_client.get(url)) == data
    assert not enhancement.original_drawable  # past fit the viewer keeps the display image of a TIFF
    assert make_enhancement(name="photo.png").original_drawable


def test_upload_thumbnail_is_upright(make_enhancement, owner_client):
    # A camera JPEG stored sideways with EXIF orientation 6 (rotate 90°): the thumbnail is tall, as shown.
    exif = Image.Exif()
    exif[0x0112] = 6
    enhancement = make_enhancement(name="camera.jpg", size=(64, 32), fmt="JPEG", exif=exif.tobytes())
    data = body(owner_client.get(f"/enhancements/{enhancement.pk}/files/original-thumbnail/"))
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.size == (32, 64)


def test_display_images_are_private(finished, make_user):
    enhancement = finished()
    stranger = Client()
    stranger.force_login(make_user("mallory"))
    for kind in ("preview", "original-thumbnail", "original-display"):
        assert stranger.get(f"/enhancements/{enhancement.pk}/files/{kind}/").status_code == 404
    upload = Upload.objects.get(pk=enhancement.upload_id)
    assert not upload.thumbnail and not upload.display  # nothing made for them


def test_preview_of_a_job_not_done_is_a_404(make_enhancement, owner_client):
    enhancement = make_enhancement()
    assert owner_client.get(f"/enhancements/{enhancement.pk}/files/preview/").status_code == 404


@pytest.mark.parametrize("gone", ["enhancement", "upload", "account"])
def test_display_images_are_deleted_with_their_row(
    gone, finished, owner_client, user, media_files, django_capture_on_commit_callbacks
):
    enhancement = finished()
    for kind in ("original-thumbnail", "original-display"):
        owner_client.get(f"/enhancements/{enhancement.pk}/files/{kind}/")
    upload = Upload.objects.get(pk=enhancement.upload_id)
    assert {enhancement.preview.name, upload.thumbnail.name, upload.display.name} <= set(media_files())
    with django_capture_on_commit_callbacks(execute=True):
        {"enhancement": enhancement, "upload": upload, "account": user}[gone].delete()
    assert media_files() == []


def test_preview_keeps_the_icc_profile():
    image = Image.new("RGB", (10, 10), (200, 100, 50))
    image.info["icc_profile"] = b"\0" * 8  # not a real profile: only that it is carried over
    with Image.open(io.BytesIO(rendering.preview(image))) as preview:
        assert preview.info.get("icc_profile") == b"\0" * 8
