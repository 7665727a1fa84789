"""POST /upload_img (docs/spec.md §3): creates and queues; every refusal in the spec's words, as {"error": …}."""

import io
import re

import pytest
from PIL import Image
from rest_framework.test import APIClient

import mlcore
from enhance import messages
from enhance.models import Enhancement, Upload

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def solid_png(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 120, 150)).save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (8, 8), color) for color in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def test_upload_creates_and_queues_with_the_spec_shape(upload, run_jobs, image_info):
    with run_jobs():
        response = upload(name="holiday.png")
        body = response.json()
        assert response.status_code == 201
        assert set(body) == {"id", "status", "progress", "urls"}
        assert (body["status"], body["progress"]) == ("queued", 0)
        assert body["urls"] == {
            "display": f"http://testserver/display?id={body['id']}",
            "result_page": f"http://testserver/enhancements/{body['id']}/",
        }
    enhancement = Enhancement.objects.get(pk=body["id"])
    assert (enhancement.status, enhancement.original_name, enhancement.scale) == (Status.DONE, "holiday.png", 2)
    assert image_info(enhancement.result.read()) == ("PNG", (24, 16))


def test_upload_takes_restore_and_reports_the_choice(api, enhanced, restoring_zoo, make_upload):
    enhancement = enhanced(image=make_upload("web.jpg", fmt="JPEG", quality=35), model="default", restore="auto")
    body = api.get(f"/api/enhancements/{enhancement.pk}/").json()
    assert (body["restore"], body["restoring"], body["jpeg_quality"]) == ("auto", True, 35)
    assert (body["model_resolved"], body["model_note"]) == ("espcn_restore", "Photo model — JPEG quality ≈ 35 detected")
    assert enhanced(restore="off").restore == "off"


def test_upload_takes_scale_and_model(enhanced):
    enhancement = enhanced(scale="3", model="bicubic")
    assert (enhancement.scale, enhancement.model_requested, enhancement.model_resolved) == (3, "bicubic", "bicubic")
    assert enhancement.output_size == (36, 24)


def test_upload_with_quality_check_reports_psnr_and_upscales_as_usual(enhanced, make_upload):
    enhancement = enhanced(image=make_upload("big.png", size=(40, 32)), scale=2, quality_check="true")
    assert enhancement.quality_check and enhancement.psnr_model is not None
    assert enhancement.output_size == (80, 64)


def test_upload_takes_the_quality_checks_degradation_in_any_spelling(enhanced, make_upload):
    enhancement = enhanced(
        image=make_upload("big.png", size=(40, 32)), scale=2, quality_check="true", check_degradation=" JPEG:075 "
    )
    assert (enhancement.check_degradation, enhancement.check_model) == ("jpeg:75", "bicubic")
    assert enhancement.psnr_bicubic is not None and enhancement.check_degradation_label == "JPEG quality 75"


@pytest.mark.parametrize("value", ["blur:2", "jpeg:0", "noise:x", "jpeg:" + "9" * 30])
def test_upload_refuses_an_unknown_check_degradation_and_stores_nothing(upload, value):
    response = upload(quality_check="true", check_degradation=value)
    assert response.status_code == 400
    assert response.json() == {"error": messages.CHECK_DEGRADATION}
    assert not Enhancement.objects.exists() and not Upload.objects.exists()


def unknown_model_message(name="nope") -> str:
    names = [m["name"] for m in mlcore.list_models()["models"] if 2 in m["scales"]]
    return f"Unknown model '{name}'. Choose one of: {', '.join(['default', *names])}."


REFUSALS = [
    ("no image field", {"image": None}, 400, "No file received."),
    ("empty file", {"data": b""}, 400, "No file received."),
    ("text renamed png", {"data": b"just some text"}, 400, "Invalid file type. Please upload a valid image."),
    ("pdf", {"data": b"%PDF-1.4\n%%EOF"}, 400, "Invalid file type. Please upload a valid image."),
    (
        "svg",
        {"data": b"<svg xmlns='http://www.w3.org/2000/svg'/>"},
        400,
        "Invalid file type. Please upload a valid image.",
    ),
    ("animated gif", {"data": "animated"}, 400, "Animated images are not supported. Please upload a still image."),
    ("scale 5", {"scale": "5"}, 400, "Scale must be one of 2, 3, 4."),
    ("scale text", {"scale": "two"}, 400, "Scale must be one of 2, 3, 4."),
    ("unknown model", {"model": "nope"}, 400, None),
    ("unknown restore", {"restore": "max"}, 400, "Restore must be one of auto, off, strong."),
]


@pytest.mark.parametrize(("case", "fields", "code", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_upload_refusals_use_the_spec_words(upload, make_upload, media_files, case, fields, code, message):
    fields = dict(fields)
    data = fields.pop("data", None)
    if data is not None:
        fields["image"] = make_upload("photo.png", data=animated_gif() if data == "animated" else data)
    response = upload(**fields)
    assert response.status_code == code
    assert response.json() == {"error": message or unknown_model_message()}
    assert not Enhancement.objects.exists() and media_files() == []


def test_upload_with_a_very_long_unknown_model_name_gets_the_spec_words(upload, media_files):
    response = upload(model="x" * 65)
    assert (response.status_code, response.json()) == (400, {"error": unknown_model_message("x" * 65)})
    assert not Enhancement.objects.exists() and media_files() == []


def test_a_huge_model_value_is_echoed_cut_to_100_characters(upload):
    response = upload(model="y" * 20 * 1024 * 1024)
    assert (response.status_code, response.json()) == (400, {"error": unknown_model_message("y" * 99 + "…")})


def test_upload_of_more_than_25_mb_is_a_413(upload, make_upload):
    response = upload(image=make_upload("huge.png", data=solid_png((8, 8)) + b"\0" * (25 * 1024 * 1024)))
    assert response.status_code == 413
    assert response.json() == {"error": "File too large. The maximum size is 25 MB."}


def test_upload_of_more_than_16_megapixels_is_refused(upload, make_upload, make_png_header):
    response = upload(image=make_upload("bomb.png", data=make_png_header(5000, 4000)))
    assert response.status_code == 400
    assert response.json() == {"error": "Image too large: 5000×4000 pixels. The maximum is 16 megapixels."}


def test_upload_whose_result_would_pass_64_megapixels_is_refused(upload, make_upload):
    response = upload(image=make_upload("wide.png", data=solid_png((5000, 1000))), scale=4)
    assert response.status_code == 400
    assert response.json() == {
        "error": "The result would be 20000×4000 pixels. The maximum is 64 megapixels; choose a smaller scale."
    }


def test_empty_request_is_no_file_received(api):
    response = api.post("/upload_img")
    assert (response.status_code, response.json()) == (400, {"error": "No file received."})


def test_upload_is_throttled_per_user_with_the_error_shape(upload, settings, token_client, mallory):
    settings.SRSITE_UPLOAD_RATE = "2/min"
    assert [upload().status_code for _ in range(2)] == [201, 201]
    response = upload()
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert re.fullmatch(
        r"Too many uploads \(at most 2/min\)\. Please try again in \d+ seconds\.", response.json()["error"]
    )
    assert upload(client=token_client(mallory)).status_code == 201  # per user, not for everyone


def test_upload_by_session_needs_the_csrf_token(user, make_upload):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/upload_img", {"image": make_upload()}, format="multipart")
    assert response.status_code == 403 and response.json()["error"].startswith("CSRF Failed")
    client.get("/account/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/upload_img", {"image": make_upload()}, format="multipart", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_anonymous_upload_is_a_401_with_the_error_shape(client, make_upload):
    response = client.post("/upload_img", {"image": make_upload()})
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json() == {"error": "Authentication credentials were not provided."}
    assert not Enhancement.objects.exists()


@pytest.mark.parametrize("debug", [False, True])
def test_upload_of_more_files_than_allowed_is_a_json_400(debug, api, make_upload, settings, media_files):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [make_upload(f"{i}.png") for i in range(3)]
    response = api.post("/upload_img", {"image": files}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"error": "Too many files at once. Please send at most 2 per upload."}
    assert not Enhancement.objects.exists() and media_files() == []
