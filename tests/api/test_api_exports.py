"""Uploads the engine can finish and downloads every format can hold (regressions from an abuse test)."""

import io

import pytest
from django.test import Client
from PIL import Image

from enhance import exports
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db


def mpo_bytes(size=(20, 12)) -> bytes:
    """A camera-style multi-frame JPEG (Pillow's MPO): the picture, then a second frame."""
    first, second = Image.new("RGB", size, (200, 30, 30)), Image.new("RGB", size, (30, 30, 200))
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def test_multi_frame_jpeg_is_accepted_and_enhanced_from_its_first_frame(enhanced, make_upload, api, image_info):
    enhancement = enhanced(image=make_upload("camera.jpg", data=mpo_bytes()))
    assert enhancement.status == Enhancement.Status.DONE, enhancement.error
    assert enhancement.original_format == "MPO"
    response = api.get(f"/display?id={enhancement.pk}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert image_info(data) == ("PNG", (40, 24))
    with Image.open(io.BytesIO(data)) as result:
        assert result.convert("RGB").getpixel((20, 12))[0] > 150  # the red first frame, not the blue second


def test_animated_gif_is_still_refused(upload, make_upload):
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    response = upload(image=make_upload("anim.gif", data=buffer.getvalue()))
    assert response.status_code == 400
    assert response.json() == {"error": "Animated images are not supported. Please upload a still image."}


def test_webp_of_a_result_wider_than_16383_pixels_is_a_clear_409(enhanced, make_upload, api):
    enhancement = enhanced(image=make_upload("panorama.png", size=(8192, 4)), scale=2)
    assert enhancement.result_width == 16384
    response = api.get(f"/display?id={enhancement.pk}&output=webp")
    assert response.status_code == 409
    assert response.json() == {
        "error": "The result is 16384×8 pixels; a WebP image can be at most 16383 pixels on a side. "
        "Please download it as PNG."
    }
    assert api.get(f"/display?id={enhancement.pk}&output=jpeg").status_code == 200  # JPEG holds 65,535


def test_page_download_of_a_too_wide_webp_is_a_409_page(enhanced, make_upload, user):
    enhancement = enhanced(image=make_upload("panorama.png", size=(8192, 4)), scale=2)
    client = Client()
    client.force_login(user)
    response = client.get(f"/enhancements/{enhancement.pk}/download/?format=webp")
    assert response.status_code == 409
    assert "a WebP image can be at most 16383 pixels on a side" in response.content.decode()


def test_jpeg_and_webp_downloads_are_encoded_once_and_deleted_with_the_enhancement(
    enhanced, api, media_files, monkeypatch, run_jobs
):
    enhancement = enhanced()
    first = {
        out: b"".join(api.get(f"/display?id={enhancement.pk}&output={out}").streaming_content)
        for out in ("jpeg", "webp")
    }
    cached = {exports.variant_name(enhancement.result.name, out) for out in ("jpeg", "webp")}
    assert cached <= set(media_files())
    monkeypatch.setattr(exports.rendering, "encode", lambda *a, **k: pytest.fail("encoded twice"))
    for out, data in first.items():
        assert b"".join(api.get(f"/display?id={enhancement.pk}&output={out}").streaming_content) == data
    with run_jobs():  # the files go once the delete commits
        assert api.delete(f"/api/enhancements/{enhancement.pk}/").status_code == 204
    assert media_files() == []


def test_deleting_an_account_deletes_cached_downloads_too(enhanced, api, user, media_files, run_jobs):
    enhancement = enhanced()
    api.get(f"/display?id={enhancement.pk}&output=webp")
    assert len(media_files()) == 5  # original, result, thumbnail, preview, WebP
    with run_jobs():
        user.delete()
    assert media_files() == []


def test_deleting_an_upload_deletes_the_cached_downloads_of_its_enhancements(enhanced, api, media_files, run_jobs):
    enhancement = enhanced()
    api.get(f"/display?id={enhancement.pk}&output=jpeg")
    assert len(media_files()) == 5  # original, result, thumbnail, preview, JPEG
    with run_jobs():
        enhancement.upload.delete()  # its enhancements go with it, and every file of theirs
    assert not Enhancement.objects.exists() and media_files() == []


def test_an_unhandled_error_under_the_api_is_json_without_debug(api, settings, monkeypatch):
    settings.DEBUG = False
    api.raise_request_exception = False
    monkeypatch.setattr("enhance.selectors.model_zoo", lambda: 1 / 0)
    response = api.get("/api/models/")
    assert response.status_code == 500
    assert response.json() == {"error": "Something went wrong on our side. Please try again later."}


def test_api_names_the_preview_and_serves_it(enhanced, api, make_upload):
    enhancement = enhanced(image=make_upload("photo.png", size=(400, 300)), scale=4)
    urls = api.get(f"/api/enhancements/{enhancement.pk}/").json()["urls"]
    assert urls["preview"] == f"http://testserver/display?id={enhancement.pk}&size=preview"
    response = api.get(urls["preview"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "photo_x4_bicubic_preview.webp" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert len(data) == enhancement.preview_bytes
    with Image.open(io.BytesIO(data)) as preview:
        assert preview.size == (1600, 1200)
    as_json = api.get(f"{urls['preview']}&format=base64").json()
    assert as_json["image"].startswith("data:image/webp;base64,")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("size=small", 'Size must be "preview", or left out for the full image.'),
        ("size=preview&output=png", "The preview is a WebP image: leave output out, or ask for the full image."),
    ],
)
def test_api_refuses_a_bad_preview_query(enhanced, api, query, message):
    enhancement = enhanced()
    response = api.get(f"/display?id={enhancement.pk}&{query}")
    assert (response.status_code, response.json()) == (400, {"error": message})
