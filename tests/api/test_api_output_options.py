"""Output size (scale or a target: fit width, height or box) and output format chosen before the run, through
the API and the page form: the result's pixels, the download's default format, and clear refusals."""

import io

import pytest
from django.test import Client
from PIL import Image

from enhance import messages
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def result_image(response) -> Image.Image:
    data = b"".join(response.streaming_content)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("fields", "scale", "size"),
    [
        # 30×20: ×3 reaches 90 wide, not 100; ×4 (120×80) resized down to 100 × 20·100/30 = 66.7 → 67.
        ({"fit": "width", "target_width": 100}, 4, (100, 67)),
        ({"fit": "height", "target_height": 50}, 3, (75, 50)),
        # The box's height binds (45/20 < 200/30): 30·45/20 = 67.5 → 68 wide; ×3 reaches 90×60.
        ({"fit": "box", "target_width": 200, "target_height": 45}, 3, (68, 45)),
        ({"fit": "width", "target_width": 60}, 2, (60, 40)),  # exactly ×2: no resize
        ({"scale": 3}, 3, (90, 60)),
    ],
)
def test_target_size_picks_the_next_scale_up_and_the_result_has_exactly_that_size(
    enhanced, make_upload, api, fields, scale, size
):
    enhancement = enhanced(image=make_upload("photo.png", size=(30, 20)), **fields)
    assert enhancement.status == Status.DONE, enhancement.error
    assert (enhancement.scale, enhancement.output_size) == (scale, size)
    response = api.get(f"/display?id={enhancement.pk}")
    assert result_image(response).size == size
    stem = f"photo_x{scale}" if "scale" in fields else "photo_{}x{}".format(*size)
    assert f'filename="{stem}_bicubic.png"' in response["Content-Disposition"]
    body = api.get(f"/api/enhancements/{enhancement.pk}/").json()
    assert (body["fit"], body["result_width"], body["result_height"]) == (fields.get("fit", "scale"), *size)


def test_a_target_size_runs_a_real_model_and_keeps_alpha_and_the_aspect(enhanced, make_upload, api):
    enhancement = enhanced(
        image=make_upload("logo.png", size=(40, 30), mode="RGBA"), model="espcn", fit="width", target_width=100
    )
    assert enhancement.status == Status.DONE, enhancement.error
    assert (enhancement.scale, enhancement.model_resolved) == (3, "espcn")
    image = result_image(api.get(f"/display?id={enhancement.pk}"))
    assert (image.size, image.mode) == ((100, 75), "RGBA")


@pytest.mark.parametrize(
    ("fields", "size", "message"),
    [
        ({"fit": "width"}, (30, 20), messages.FIT_NEEDS["width"]),
        ({"fit": "width", "target_width": 100, "target_height": 80}, (30, 20), messages.FIT_NEEDS["width"]),
        ({"fit": "height", "target_width": 100}, (30, 20), messages.FIT_NEEDS["height"]),
        ({"fit": "box", "target_width": 100}, (30, 20), messages.FIT_NEEDS["box"]),
        ({"target_width": 100}, (30, 20), messages.FIT_NEEDS["scale"]),
        ({"fit": "fill", "target_width": 100}, (30, 20), "Fit must be one of scale, width, height, box."),
        (
            {"fit": "width", "target_width": 0},
            (30, 20),
            "The target width must be a whole number of pixels from 1 to 65535.",
        ),
        (
            {"fit": "width", "target_width": "wide"},
            (30, 20),
            "The target width must be a whole number of pixels from 1 to 65535.",
        ),
        (
            {"fit": "width", "target_width": 30},
            (30, 20),
            "The result would be 30×20 pixels, no larger than the image (30×20); choose a larger target size.",
        ),
        (
            {"fit": "box", "target_width": 1000, "target_height": 10},
            (30, 20),
            "The result would be 15×10 pixels, no larger than the image (30×20); choose a larger target size.",
        ),
        (
            {"fit": "height", "target_height": 81},
            (30, 20),
            "The result would be 122×81 pixels, more than ×4 this image (30×20); choose a smaller target size.",
        ),
        ({"output_format": "gif"}, (30, 20), "Output must be one of png, jpeg, webp."),
        ({"output_format": "jpeg", "output_quality": 0}, (30, 20), "Quality must be a whole number from 1 to 100."),
        ({"output_quality": "best"}, (30, 20), "Quality must be a whole number from 1 to 100."),
        (
            {"scale": 4, "output_format": "webp"},
            (4100, 2),
            "The result would be 16400×8 pixels; a WebP image can be at most 16383 pixels on a side. "
            "Choose PNG or a smaller size.",
        ),
    ],
)
def test_bad_output_options_are_a_400_that_says_why_and_store_nothing(
    upload, make_upload, media_files, fields, size, message
):
    response = upload(image=make_upload("photo.png", size=size), **fields)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not Enhancement.objects.exists() and media_files() == []


def test_the_output_limit_applies_to_the_final_size(upload, make_upload, media_files, settings):
    settings.SRSITE_MAX_OUTPUT_MP = 1
    # 400×300 ×2 would be 0.48 MP: allowed by scale; a 1200-wide target is 1200×900 = 1.08 MP.
    assert upload(image=make_upload("a.png", size=(400, 300)), scale=2).status_code == 201
    response = upload(image=make_upload("b.png", size=(400, 300)), fit="width", target_width=1200)
    assert response.status_code == 400
    assert response.json() == {
        "error": "The result would be 1200×900 pixels. The maximum is 1 megapixels; choose a smaller target size."
    }
    assert Enhancement.objects.count() == 1
    # 1100×825 = 0.91 MP made from ×3 (1200×900, over the limit itself): the final size is what counts.
    assert upload(image=make_upload("c.png", size=(400, 300)), fit="width", target_width=1100).status_code == 201


def test_chosen_format_and_quality_are_the_default_download(enhanced, make_upload, api, user, image_info):
    low = enhanced(image=make_upload("photo.png", size=(64, 48)), output_format="jpeg", output_quality=10)
    high = enhanced(image=make_upload("photo.png", size=(64, 48)), output_format="jpeg", output_quality=95)
    assert (low.output_format, low.output_quality) == ("jpeg", 10)
    low_bytes, high_bytes = (b"".join(api.get(f"/display?id={e.pk}").streaming_content) for e in (low, high))
    assert image_info(low_bytes) == image_info(high_bytes) == ("JPEG", (128, 96))
    assert len(low_bytes) < len(high_bytes)  # the quality chosen is the quality encoded
    assert image_info(b"".join(api.get(f"/display?id={low.pk}&output=png").streaming_content))[0] == "PNG"

    webp = enhanced(image=make_upload("photo.png", size=(64, 48)), output_format="webp")
    client = Client()
    client.force_login(user)
    response = client.get(f"/enhancements/{webp.pk}/download/")
    assert response["Content-Type"] == "image/webp"
    assert 'filename="photo_x2_bicubic.webp"' in response["Content-Disposition"]
    assert image_info(b"".join(response.streaming_content))[0] == "WEBP"
    assert client.get(f"/enhancements/{webp.pk}/download/?format=png")["Content-Type"] == "image/png"
    page = client.get(f"/enhancements/{webp.pk}/").content.decode()
    assert "Download WebP" in page


def test_page_form_queues_a_target_size_and_refuses_a_bad_one_keeping_the_draft(make_enhancement, user, run_jobs):
    client = Client()
    client.force_login(user)
    draft = make_enhancement(size=(30, 20))
    bad = {"fit": "box", "target_width": "100", "model": "bicubic"}
    response = client.post(f"/enhancements/{draft.pk}/", bad)
    assert response.status_code == 400
    assert messages.FIT_NEEDS["box"] in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.fit, draft.target_width) == (Status.NEW, "scale", None)
    with run_jobs():
        good = {**bad, "target_height": "45", "output_format": "webp", "output_quality": "80", "scale": "2"}
        assert client.post(f"/enhancements/{draft.pk}/", good).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.scale, draft.result_width, draft.result_height) == (Status.DONE, 3, 68, 45)
    assert (draft.output_format, draft.output_quality) == ("webp", 80)
    # Run again starts from these settings.
    page = client.get(f"/enhancements/{draft.pk}/").content.decode()
    assert 'name="fit" value="box" data-fit checked' in page
    assert 'name="target_height" min="1" max="65535" inputmode="numeric" value="45"' in page
    assert '<option value="webp" selected>' in page


def test_quality_check_with_a_target_size_measures_at_the_model_scale_and_keeps_the_target(enhanced, make_upload):
    enhancement = enhanced(
        image=make_upload("photo.png", size=(40, 32)), fit="width", target_width=100, quality_check=True
    )
    assert enhancement.status == Status.DONE, enhancement.error
    assert (enhancement.scale, enhancement.result_width, enhancement.result_height) == (3, 100, 80)
    assert enhancement.psnr_model is not None and enhancement.psnr_bicubic is not None


def test_api_queue_and_rerun_take_the_same_output_options(api, make_enhancement, user, run_jobs):
    draft = make_enhancement(size=(30, 20))
    with run_jobs():
        response = api.post(
            f"/api/enhancements/{draft.pk}/queue/", {"fit": "height", "target_height": 45}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert (response.json()["scale"], response.json()["target_height"]) == (3, 45)
    bad = api.post(f"/api/enhancements/{draft.pk}/rerun/", {"fit": "box", "target_width": 99}, format="json")
    assert (bad.status_code, bad.json()) == (400, {"error": messages.FIT_NEEDS["box"]})
    assert Enhancement.objects.count() == 1
    with run_jobs():
        again = api.post(f"/api/enhancements/{draft.pk}/rerun/", {"output_format": "webp", "scale": 4}, format="json")
    assert again.status_code == 201
    copy = Enhancement.objects.get(pk=again.json()["id"])  # the answer was made before the job ran on commit
    assert (again.json()["output_format"], copy.status, copy.result_width) == ("webp", Status.DONE, 120)
    assert api.get(f"/display?id={again.json()['id']}")["Content-Type"] == "image/webp"
