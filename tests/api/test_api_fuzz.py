"""A seeded fuzz run through /upload_img with the real engine: no 5xx, nothing orphaned, every accepted job done."""

import warnings

import pytest
from django.test import Client

from enhance import messages
from enhance.models import Enhancement
from tests.fuzzing import SETTINGS, fuzz_uploads, seeds

pytestmark = pytest.mark.django_db


def test_300_mutated_images_get_clear_answers_and_every_accepted_one_finishes(
    user, settings, media_root, run_jobs, fresh_throttles
):
    for name, value in SETTINGS.items():
        setattr(settings, name, value)
    client = Client()
    client.force_login(user)
    with warnings.catch_warnings():  # Pillow warns about the corrupt files it is fed: answers are under test
        warnings.simplefilter("ignore")
        report = fuzz_uploads(client, media_root, count=300, seed=13, jobs=run_jobs)
    print("\n".join(report.lines()))
    assert report.server_errors == []
    assert report.not_done == []
    assert (report.orphan_files, report.orphan_rows) == ([], 0)
    assert report.bytes_recorded == report.bytes_on_disk > 0  # the storage limit counts every file kept
    assert set(report.statuses) <= {201, 400, 413}
    assert report.accepted > 30 and report.statuses[400] > 30  # the mutants both pass and fail the checks


@pytest.mark.parametrize(("name", "data"), seeds(), ids=[name for name, _ in seeds()])
def test_each_kind_of_valid_upload_is_enhanced_or_refused_for_its_reason(api, run_jobs, name, data, make_upload):
    with run_jobs():
        response = api.post("/upload_img", {"image": make_upload(name, data=data)}, format="multipart")
    if name == "anim.gif":
        assert (response.status_code, response.json()["error"]) == (400, messages.ANIMATED)
        return
    assert response.status_code == 201, response.json()
    enhancement = Enhancement.objects.get(pk=response.json()["id"])
    assert (enhancement.status, enhancement.error) == (Enhancement.Status.DONE, "")
    assert (enhancement.result_width, enhancement.result_height) == (
        enhancement.original_width * 2,
        enhancement.original_height * 2,
    )
