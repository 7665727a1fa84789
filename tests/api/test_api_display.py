"""GET /display (docs/spec.md §3): the file when done, base64 on request, 202 while running, 500/409 otherwise."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from enhance import services
from enhance.models import Enhancement
from enhance.tasks import reap_and_requeue

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def set_state(enhancement, **fields):
    Enhancement.objects.filter(pk=enhancement.pk).update(**fields)


def test_display_without_id_sends_the_newest_result_as_a_png_attachment(api, enhanced, image_info):
    enhanced(name="older.png")
    enhanced(name="holiday photo.png", scale=3)
    response = api.get("/display")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="holiday photo_x3_bicubic.png"'
    assert image_info(b"".join(response.streaming_content)) == ("PNG", (36, 24))


def test_display_by_id_sends_that_one(api, enhanced, image_info):
    older = enhanced(name="older.png", scale=4)
    enhanced(name="newer.png")
    response = api.get(f"/display?id={older.pk}")
    assert response["Content-Disposition"] == 'attachment; filename="older_x4_bicubic.png"'
    assert image_info(b"".join(response.streaming_content)) == ("PNG", (48, 32))


@pytest.mark.parametrize(("output", "fmt", "ext"), [("jpeg", "JPEG", "jpg"), ("webp", "WEBP", "webp")])
def test_display_output_gives_jpeg_or_webp(api, enhanced, image_info, output, fmt, ext):
    enhancement = enhanced(name="cat.png")
    response = api.get(f"/display?id={enhancement.pk}&output={output}")
    assert response["Content-Type"] == f"image/{output}"
    assert response["Content-Disposition"] == f'attachment; filename="cat_x2_bicubic.{ext}"'
    assert image_info(b"".join(response.streaming_content)) == (fmt, (24, 16))


def test_display_base64_round_trip_is_scale_times_the_input(api, enhanced, make_upload, image_info):
    enhancement = enhanced(image=make_upload("small.png", size=(10, 7)), scale=3)
    response = api.get(f"/display?id={enhancement.pk}&format=base64")
    assert response.status_code == 200 and set(response.json()) == {"image"}
    prefix, _, data = response.json()["image"].partition(",")
    assert prefix == "data:image/png;base64"
    assert image_info(base64.b64decode(data, validate=True)) == ("PNG", (30, 21))


def test_display_base64_in_another_output_format(api, enhanced, image_info):
    enhanced()
    image = api.get("/display?format=base64&output=webp").json()["image"]
    assert image.startswith("data:image/webp;base64,")
    assert image_info(base64.b64decode(image.partition(",")[2]))[0] == "WEBP"


def test_display_asking_for_an_image_type_still_gets_the_file(api, enhanced):
    enhanced()
    assert api.get("/display", HTTP_ACCEPT="image/png").status_code == 200


def test_display_while_queued_is_a_202_with_the_queue_position(api, upload):
    first, second = (upload().json()["id"] for _ in range(2))  # outside run_jobs(): they stay queued
    response = api.get("/display")
    assert response.status_code == 202
    body = response.json()
    assert {key: body.pop(key) for key in ("seconds_left", "time_left")} == {
        "seconds_left": 1,  # two 24×16 bicubic results: well under a second, rounded up
        "time_left": "under a second left",
    }
    assert body == {"id": second, "status": "queued", "progress": 0, "queue_position": 2}
    assert api.get(f"/display?id={first}").json()["queue_position"] == 1


def test_display_while_running_is_a_202_with_the_progress(api, upload):
    enhancement_id = upload().json()["id"]
    lease = timezone.now() + timedelta(minutes=1)
    Enhancement.objects.filter(pk=enhancement_id).update(status=Status.RUNNING, progress=40, lease_expires_at=lease)
    response = api.get("/display")
    assert response.status_code == 202
    assert response.json() == {
        "id": enhancement_id,
        "status": "running",
        "progress": 40,
        "queue_position": None,
        "seconds_left": None,  # this row was set running without a start time: no pace, no estimate
        "time_left": None,
    }


def test_display_of_a_job_whose_worker_died_shows_it_queued_again(api, upload):
    enhancement_id = upload().json()["id"]
    expired = timezone.now() - timedelta(seconds=1)
    Enhancement.objects.filter(pk=enhancement_id).update(
        status=Status.RUNNING, attempts=1, progress=40, lease_expires_at=expired
    )
    response = api.get(f"/display?id={enhancement_id}")
    assert (response.status_code, response.json()["status"]) == (202, "running")  # a read never reaps
    reap_and_requeue()  # what the worker loop and the reaper do
    response = api.get(f"/display?id={enhancement_id}")
    assert (response.status_code, response.json()["status"]) == (202, "queued")


def test_display_of_a_failed_job_is_the_spec_500(api, upload):
    enhancement_id = upload().json()["id"]
    Enhancement.objects.filter(pk=enhancement_id).update(status=Status.FAILED, error="RuntimeError: out of memory")
    response = api.get(f"/display?id={enhancement_id}")
    assert response.status_code == 500
    assert response.json() == {"error": "Error occurred while upscaling the image, please try again!"}


def test_display_of_a_cancelled_job_is_a_409(api, upload):
    services.enhancement_cancel(enhancement=Enhancement.objects.get(pk=upload().json()["id"]))
    response = api.get("/display")
    assert (response.status_code, response.json()) == (409, {"error": "This enhancement was cancelled."})


def test_display_of_a_draft_from_the_upload_page_is_a_409(api, make_enhancement):
    draft = make_enhancement()
    response = api.get(f"/display?id={draft.pk}")
    assert (response.status_code, response.json()) == (409, {"error": "This enhancement has not been queued yet."})


def test_display_with_nothing_uploaded_is_a_404(api):
    response = api.get("/display")
    assert (response.status_code, response.json()) == (404, {"error": "You have no enhancements yet."})


def test_display_of_another_users_id_is_the_same_404_as_a_missing_one(token_client, mallory, enhanced):
    theirs = enhanced()  # alice's
    intruder = token_client(mallory)
    for query in (f"id={theirs.pk}", f"id={theirs.pk}&format=base64", f"id={theirs.pk + 1000}"):
        response = intruder.get(f"/display?{query}")
        assert (response.status_code, response.json()) == (404, {"error": "No such enhancement."}), query
    assert intruder.get("/display").json() == {"error": "You have no enhancements yet."}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("id=abc", "A valid integer is required."),
        ("format=json", 'Format must be "base64", or left out for the file.'),
        ("output=gif", "Output must be one of png, jpeg, webp."),
    ],
)
def test_display_refuses_bad_parameters(api, enhanced, query, message):
    enhanced()
    response = api.get(f"/display?{query}")
    assert (response.status_code, response.json()) == (400, {"error": message})
