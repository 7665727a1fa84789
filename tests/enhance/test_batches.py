"""The batch page and its API: per-tile cancel and retry, the overall numbers, and "Download all" as a ZIP
streamed from storage (owner only)."""

import io
import random
import re
import tracemalloc
import uuid
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from enhance import archives, services
from enhance.jobs.states import transition
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db
Status = Enhancement.Status
JSON = {"HTTP_ACCEPT": "application/json"}


def noise_png(size) -> bytes:
    """Random pixels: a PNG that does not compress, so the archive's size is the results' size."""
    rng = random.Random(size[0] * 7919 + size[1])
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def batch(client, user, make_upload, run_jobs):
    """Two done jobs of files with the same name, a failed one and a queued one, in one batch."""
    client.force_login(user)
    batch = uuid.uuid4()
    made = [
        services.enhancement_create(owner=user, upload=make_upload(name, size=size), batch=batch)
        for name, size in [("cat.png", (12, 8)), ("cat.png", (10, 10)), ("dog.png", (9, 7)), ("owl.png", (8, 8))]
    ]
    first, second, failed, queued = made
    with run_jobs():
        services.enhancement_queue_batch(enhancements=[first, second], scale=2, model="bicubic", quality_check=False)
    services.enhancement_queue_batch(enhancements=[failed, queued], scale=2, model="bicubic", quality_check=False)
    assert transition("fail", pk=failed.pk, error="test: a worker error")
    for item in made:
        item.refresh_from_db()
    return batch, made


def page_urls(batch_id):
    return {
        "page": reverse("enhance:batch", args=[batch_id]),
        "status": reverse("enhance:batch_status", args=[batch_id]),
        "zip": reverse("enhance:batch_download", args=[batch_id]),
        "api": f"/api/batches/{batch_id}/",
        "api_zip": f"/api/batches/{batch_id}/download/",
    }


def read_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# The overall numbers


def test_batch_page_shows_the_overall_numbers_and_tile_actions(client, batch):
    batch_id, (first, second, failed, queued) = batch
    html = client.get(page_urls(batch_id)["page"]).content.decode()
    assert "2 of 4 done, 1 failed" in html
    assert re.search(r'<progress max="100" value="75" data-batch-bar', html)  # 3 finished of 4: 75 %
    assert f'href="{page_urls(batch_id)["zip"]}" data-batch-download>' in html  # not hidden: 2 are done
    assert f'action="{reverse("enhance:cancel", args=[queued.pk])}"' in html
    assert f'action="{reverse("enhance:retry", args=[failed.pk])}"' in html
    for item in (first, second):  # done: neither
        for name in ("cancel", "retry"):
            assert reverse(f"enhance:{name}", args=[item.pk]) not in html
    assert " style=" not in html


def test_gallery_tiles_carry_no_batch_actions(client, batch):
    html = client.get(reverse("enhance:gallery")).content.decode()
    assert "data-tile-action" not in html and "data-batch-progress" not in html


def test_batch_status_answer_adds_the_numbers_and_the_tiles_with_actions(client, batch):
    batch_id, (*_, failed, queued) = batch
    answer = client.get(f"{page_urls(batch_id)['status']}?ids={queued.pk},{failed.pk}").json()
    # the batch is done when its last pending job is: here the one queued job's estimate
    seconds, words = answer["batch"].pop("seconds_left"), answer["batch"].pop("time_left")
    assert seconds == answer["items"][0]["seconds_left"] >= 1 and words == answer["items"][0]["time_left"]
    assert answer["batch"] == {
        "total": 4,
        "new": 0,
        "queued": 1,
        "running": 0,
        "done": 2,
        "failed": 1,
        "cancelled": 0,
        "percent": 75,
        "text": "2 of 4 done, 1 failed",
    }
    queued_item, failed_item = answer["items"]
    assert "tile" not in queued_item
    assert reverse("enhance:retry", args=[failed.pk]) in failed_item["tile"]
    assert "csrfmiddlewaretoken" in failed_item["tile"]


def test_api_batch_has_the_same_numbers_and_every_jobs_state(client, batch):
    batch_id, made = batch
    body = client.get(page_urls(batch_id)["api"]).json()
    page = client.get(f"{page_urls(batch_id)['status']}?ids={made[0].pk}").json()["batch"]
    assert {key: body[key] for key in page} == page
    assert body["id"] == str(batch_id)
    assert [(i["id"], i["status"]) for i in body["items"]] == [(e.pk, e.status) for e in made]
    assert body["urls"]["download"].endswith(page_urls(batch_id)["api_zip"])
    assert client.get(f"/api/enhancements/{made[0].pk}/").json()["batch"] == str(batch_id)


def test_a_batch_with_nothing_pending_has_no_time_left(client, batch):
    batch_id, (*_, queued) = batch
    assert client.get(page_urls(batch_id)["api"]).json()["seconds_left"] >= 1
    assert transition("cancel", pk=queued.pk)
    body = client.get(page_urls(batch_id)["api"]).json()
    assert (body["seconds_left"], body["time_left"]) == (None, None)
    html = client.get(page_urls(batch_id)["page"]).content.decode()
    assert '<span class="status-time" data-batch-time></span>' in html


def test_a_running_job_counts_by_its_progress(client, batch):
    batch_id, (*_, queued) = batch
    Enhancement.objects.filter(pk=queued.pk).update(status=Status.RUNNING, progress=40)
    body = client.get(page_urls(batch_id)["api"]).json()
    assert (body["running"], body["percent"]) == (1, (300 + 40) // 4)


# Cancel and retry from a tile


def test_cancel_from_a_tile_without_script_goes_back_to_the_batch_page(client, batch):
    batch_id, (*_, queued) = batch
    response = client.post(reverse("enhance:cancel", args=[queued.pk]), {"back": "batch"}, follow=True)
    assert response.redirect_chain == [(page_urls(batch_id)["page"], 302)]
    html = response.content.decode()
    assert "Cancelled." in html and "2 of 4 done, 1 failed, 1 cancelled" in html
    assert Enhancement.objects.get(pk=queued.pk).status == Status.CANCELLED
    assert reverse("enhance:retry", args=[queued.pk]) in html  # its tile now offers Try again


def test_cancel_and_retry_from_a_tile_with_script_answer_the_new_tile(client, batch):
    _, (*_, queued) = batch
    cancel, retry = (reverse(f"enhance:{name}", args=[queued.pk]) for name in ("cancel", "retry"))
    response = client.post(cancel, {"back": "batch"}, **JSON)
    assert response.status_code == 200
    answer = response.json()
    [item] = answer["items"]
    assert (item["id"], item["status"], answer["message"]) == (queued.pk, "cancelled", "Cancelled.")
    assert retry in item["tile"] and answer["batch"]["cancelled"] == 1

    answer = client.post(retry, {"back": "batch"}, **JSON).json()
    [item] = answer["items"]
    assert (item["status"], answer["message"]) == ("queued", "Queued again.")
    assert cancel in item["tile"] and "data-status-id" in item["tile"]  # polled again
    assert (answer["batch"]["queued"], answer["batch"]["cancelled"]) == (1, 0)
    queued.refresh_from_db()
    assert (queued.status, queued.upload_id, queued.scale, queued.model_requested) == (
        "queued",
        queued.upload_id,
        2,
        "bicubic",
    )


def test_a_refused_action_answers_409_with_the_tile_as_it_is(client, batch):
    _, (first, *_) = batch
    response = client.post(reverse("enhance:cancel", args=[first.pk]), {"back": "batch"}, **JSON)
    assert response.status_code == 409
    answer = response.json()
    assert answer["message"] == "Only a queued or running enhancement can be cancelled."
    assert answer["items"][0]["status"] == "done" and "Download" in answer["items"][0]["tile"]
    assert Enhancement.objects.get(pk=first.pk).status == Status.DONE


def test_tile_actions_need_the_csrf_token_and_are_the_owners_only(batch, make_user, user):
    _, (*_, failed, queued) = batch
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("enhance:cancel", args=[queued.pk]), {"back": "batch"}, **JSON).status_code == 403
    other = Client()
    other.force_login(make_user("mallory"))
    assert other.post(reverse("enhance:retry", args=[failed.pk]), {"back": "batch"}, **JSON).status_code == 404
    assert Enhancement.objects.get(pk=queued.pk).status == Status.QUEUED
    assert Enhancement.objects.get(pk=failed.pk).status == Status.FAILED


# Download all


@pytest.mark.parametrize("kind", ["zip", "api_zip"])
def test_zip_holds_exactly_the_finished_results_with_their_bytes(client, batch, kind):
    batch_id, (first, second, *_) = batch
    response = client.get(page_urls(batch_id)[kind])
    assert response["Content-Disposition"] == f'attachment; filename="batch-{str(batch_id)[:8]}.zip"'
    archive = read_zip(response)
    assert archive.testzip() is None
    assert archive.namelist() == ["cat_x2_bicubic.png", "cat_x2_bicubic (2).png"]  # no name lost to another
    for info, item in zip(archive.infolist(), (first, second), strict=True):
        assert info.compress_type == zipfile.ZIP_STORED  # PNG is compressed already
        with item.result.open("rb") as stored:
            assert archive.read(info) == stored.read()


def test_member_names_never_collide_whatever_the_case(make_enhancement):
    results = []
    for name in ("Cat.png", "cat.png", "cat (2).png", "CAT.png"):
        item = make_enhancement(name=name)
        item.model_resolved = "espcn"
        results.append(archives.ResultFile(item, "png"))
    names = archives.member_names(results)
    assert names == ["Cat_x2_espcn.png", "cat_x2_espcn (2).png", "cat (2)_x2_espcn.png", "CAT_x2_espcn (3).png"]
    assert len({name.lower() for name in names}) == len(names)


@pytest.mark.parametrize("kind", ["zip", "api_zip"])
def test_zip_of_another_users_batch_is_a_404(batch, make_user, kind):
    batch_id, _ = batch
    other = Client()
    other.force_login(make_user("mallory"))
    for key in (kind, "api", "status", "page"):
        assert other.get(page_urls(batch_id)[key] + ("?ids=1" if key == "status" else "")).status_code == 404, key
    assert Client().get(page_urls(batch_id)[kind]).status_code in (302, 401)


def test_zip_with_nothing_finished_says_so(client, user, make_upload):
    client.force_login(user)
    batch_id = uuid.uuid4()
    item = services.enhancement_create(owner=user, upload=make_upload("a.png"), batch=batch_id)
    services.enhancement_queue_batch(enhancements=[item], scale=2, model="bicubic", quality_check=False)
    message = "Nothing in this batch has finished yet: the ZIP holds finished results only."
    response = client.get(page_urls(batch_id)["api_zip"])
    assert (response.status_code, response.json()) == (409, {"error": message})
    response = client.get(page_urls(batch_id)["zip"], follow=True)
    assert response.redirect_chain == [(page_urls(batch_id)["page"], 302)]
    assert message in response.content.decode()
    assert "data-batch-download hidden" in response.content.decode()


def test_zip_is_streamed_in_chunks_not_built_in_memory(client, user, make_upload, run_jobs, monkeypatch, tmp_path):
    monkeypatch.setattr(archives, "CHUNK", 64 * 1024)
    batch_id = uuid.uuid4()
    items = [
        services.enhancement_create(
            owner=user, upload=make_upload(f"n{n}.png", data=noise_png((400, 300))), batch=batch_id
        )
        for n in range(3)
    ]
    with run_jobs():
        services.enhancement_queue_batch(enhancements=items, scale=2, model="bicubic", quality_check=False)
    client.force_login(user)
    response = client.get(page_urls(batch_id)["zip"])
    assert response.streaming
    sizes, target = [], tmp_path / "all.zip"
    tracemalloc.start()
    try:
        with target.open("wb") as out:
            for chunk in response.streaming_content:
                sizes.append(len(chunk))
                out.write(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    total = sum(sizes)
    stored = sum(Enhancement.objects.get(pk=item.pk).result.size for item in items)
    assert total > stored > 1_500_000  # the results are large enough for the checks below to mean something
    assert max(sizes) <= archives.CHUNK + 1024  # a file's chunk and its headers, never a whole file
    assert len(sizes) >= stored // archives.CHUNK
    assert peak < total / 4, f"peak {peak} bytes while streaming {total}"
    print(f"\nZIP {total} bytes in {len(sizes)} chunks (largest {max(sizes)}); traced peak {peak} bytes")
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None and len(archive.namelist()) == 3
