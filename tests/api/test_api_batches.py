"""/upload_img into a batch of one's own (``batch``), then the batch's numbers and its ZIP over the API."""

import io
import uuid
import zipfile

import pytest

from enhance.models import Enhancement

pytestmark = pytest.mark.django_db


def test_uploads_into_one_batch_are_followed_and_downloaded_together(api, upload, run_jobs):
    with run_jobs():
        first = upload(name="a.png", model="bicubic").json()
        batch = api.get(f"/api/enhancements/{first['id']}/").json()["batch"]
        second = upload(name="b.png", model="bicubic", batch=batch)
    assert second.status_code == 201
    body = api.get(f"/api/batches/{batch}/").json()
    assert [item["id"] for item in body["items"]] == [first["id"], second.json()["id"]]
    assert (body["total"], body["done"], body["text"]) == (2, 2, "2 of 2 done")
    response = api.get(f"/api/batches/{batch}/download/", HTTP_ACCEPT="application/zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["a_x2_bicubic.png", "b_x2_bicubic.png"]


def test_someone_elses_batch_is_a_404_and_stores_nothing(api, upload, token_client, mallory, media_files):
    theirs = upload(client=token_client(mallory), name="theirs.png").json()
    batch = Enhancement.objects.get(pk=theirs["id"]).batch_id
    before = media_files()
    for given in (batch, uuid.uuid4()):
        response = upload(name="mine.png", batch=str(given))
        assert (response.status_code, response.json()) == (404, {"error": "No such batch."})
    assert media_files() == before
    assert Enhancement.objects.count() == 1
    assert api.get(f"/api/batches/{batch}/").status_code == 404
    assert api.get("/api/batches/not-a-batch/").status_code == 404


def test_a_batch_that_is_not_an_id_is_a_400_with_words(upload, media_files):
    response = upload(batch="last week's")
    assert (response.status_code, response.json()) == (400, {"error": "batch must be the id of one of your batches."})
    assert media_files() == []
