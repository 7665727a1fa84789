"""/api/enhancements/ and /api/models/ (docs/spec.md §3): own items only, paginated, the pages' actions."""

import pytest

import mlcore
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def test_list_is_own_newest_first_and_paginated(api, token_client, mallory, enhanced, upload):
    mine = [upload(name=f"{n}.png").json()["id"] for n in range(5)]
    upload(client=token_client(mallory), name="theirs.png")
    page = api.get("/api/enhancements/?page_size=2").json()
    assert page["count"] == 5 and [item["id"] for item in page["results"]] == mine[::-1][:2]
    assert page["next"] == "http://testserver/api/enhancements/?page=2&page_size=2" and page["previous"] is None
    last = api.get("/api/enhancements/?page=3&page_size=2").json()
    assert [item["id"] for item in last["results"]] == [mine[0]] and last["next"] is None
    assert api.get("/api/enhancements/").json()["count"] == 5  # default page size 20
    response = api.get("/api/enhancements/?page=9")
    assert (response.status_code, response.json()) == (404, {"error": "Invalid page."})


def test_retrieve_describes_a_finished_enhancement(api, enhanced):
    enhancement = enhanced(name="cat.png", scale=3)
    body = api.get(f"/api/enhancements/{enhancement.pk}/").json()
    assert {k: body[k] for k in ("id", "status", "progress", "queue_position", "message")} == {
        "id": enhancement.pk,
        "status": "done",
        "progress": 100,
        "queue_position": None,
        "message": None,
    }
    assert (body["original_name"], body["original_width"], body["original_height"]) == ("cat.png", 12, 8)
    assert (body["scale"], body["model"], body["model_resolved"]) == (3, "bicubic", "bicubic")
    assert (body["result_width"], body["result_height"], body["device"]) == (36, 24, "cpu")
    assert body["processing_seconds"] >= 0 and body["finished_at"]
    assert body["urls"]["display"] == f"http://testserver/display?id={enhancement.pk}"


def test_delete_removes_the_row_and_its_files(api, enhanced, media_files, run_jobs):
    enhancement = enhanced()
    assert len(media_files()) == 4  # original, result, thumbnail, preview
    with run_jobs():  # files go once the deletion is committed
        response = api.delete(f"/api/enhancements/{enhancement.pk}/")
    assert response.status_code == 204
    assert not Enhancement.objects.exists() and media_files() == []


def test_cancel_a_queued_job_then_retry_it(api, upload, run_jobs):
    enhancement_id = upload().json()["id"]
    response = api.post(f"/api/enhancements/{enhancement_id}/cancel/")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert response.json()["message"] == "This enhancement was cancelled."
    with run_jobs():
        response = api.post(f"/api/enhancements/{enhancement_id}/retry/")
    assert (response.status_code, response.json()["status"]) == (200, "queued")
    assert Enhancement.objects.get(pk=enhancement_id).status == Status.DONE


def test_cancel_of_a_finished_job_and_retry_of_a_done_one_are_409s(api, enhanced):
    enhancement = enhanced()
    response = api.post(f"/api/enhancements/{enhancement.pk}/cancel/")
    assert (response.status_code, response.json()) == (
        409,
        {"error": "Only a queued or running enhancement can be cancelled."},
    )
    response = api.post(f"/api/enhancements/{enhancement.pk}/retry/")
    assert (response.status_code, response.json()) == (
        409,
        {"error": "Only a failed or cancelled enhancement can be tried again."},
    )


def test_rerun_makes_a_new_enhancement_with_another_scale(api, enhanced, run_jobs):
    enhancement = enhanced()
    with run_jobs():
        response = api.post(f"/api/enhancements/{enhancement.pk}/rerun/", {"scale": 4, "model": "bicubic"})
    assert response.status_code == 201 and response.json()["id"] != enhancement.pk
    copy = Enhancement.objects.get(pk=response.json()["id"])
    assert (copy.status, copy.scale, copy.output_size) == (Status.DONE, 4, (48, 32))
    response = api.post(f"/api/enhancements/{enhancement.pk}/rerun/", {"scale": 5})
    assert (response.status_code, response.json()) == (400, {"error": "Scale must be one of 2, 3, 4."})


def test_queue_a_draft_from_the_upload_page(api, make_enhancement, run_jobs):
    draft = make_enhancement()
    with run_jobs():
        response = api.post(f"/api/enhancements/{draft.pk}/queue/", {"scale": 3}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "queued")
    draft.refresh_from_db()
    assert (draft.status, draft.output_size) == (Status.DONE, (36, 24))
    response = api.post(f"/api/enhancements/{draft.pk}/queue/")
    assert (response.status_code, response.json()) == (409, {"error": "This enhancement has already been queued."})


def test_another_users_enhancement_is_a_404_on_every_endpoint(token_client, mallory, enhanced):
    theirs = enhanced()
    intruder = token_client(mallory)
    item = f"/api/enhancements/{theirs.pk}/"
    requests = [
        ("get", item),
        ("delete", item),
        *[("post", f"{item}{action}/") for action in ("cancel", "retry", "rerun", "queue")],
        ("get", f"/display?id={theirs.pk}"),
    ]
    for method, url in requests:
        response = getattr(intruder, method)(url)
        assert (response.status_code, response.json()) == (404, {"error": "No such enhancement."}), url
    assert intruder.get("/api/enhancements/").json()["count"] == 0
    assert Enhancement.objects.get(pk=theirs.pk).status == Status.DONE


def test_models_lists_the_zoo_with_the_default_per_scale(api):
    body = api.get("/api/models/").json()
    zoo = mlcore.list_models()
    assert body["default"] == {str(scale): name for scale, name in zoo["default"].items()}
    assert [m["name"] for m in body["models"]] == [m["name"] for m in zoo["models"]]
    bicubic = body["models"][0]
    assert (bicubic["name"], bicubic["scales"], bicubic["channels"]) == ("bicubic", [2, 3, 4], "rgb")
    assert bicubic["params"] == {"2": 0, "3": 0, "4": 0}
    for model in body["models"]:
        assert set(model) >= {"hint", "flops_per_mp", "measured", "default_for"}
        assert model["default_for"] == [s for s in (2, 3, 4) if body["default"][str(s)] == model["name"]]


def test_wrong_method_and_unknown_paths_answer_in_the_error_shape(api, enhanced):
    enhancement = enhanced()
    response = api.put(f"/api/enhancements/{enhancement.pk}/", {})
    assert (response.status_code, response.json()) == (405, {"error": 'Method "PUT" not allowed.'})
    response = api.get("/api/enhancements/abc/")
    assert (response.status_code, response.json()) == (404, {"error": "Not found."})
    assert api.get("/api/nothing-here/").json() == {"error": "Not found."}
    assert api.get("/api/").status_code == 200  # the browsable API's root


def test_failed_enhancement_says_so_and_can_be_retried(api, upload, run_jobs):
    enhancement_id = upload().json()["id"]
    Enhancement.objects.filter(pk=enhancement_id).update(status=Status.FAILED, error="RuntimeError: boom")
    body = api.get(f"/api/enhancements/{enhancement_id}/").json()
    assert body["message"] == "Error occurred while upscaling the image, please try again!"
    assert "boom" not in str(body)  # the cause is for staff
    with run_jobs():
        assert api.post(f"/api/enhancements/{enhancement_id}/retry/").status_code == 200
    assert Enhancement.objects.get(pk=enhancement_id).status == Status.DONE
