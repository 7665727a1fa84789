"""The storage limit counts everything kept for a user (uploads, results, cached downloads) from the sizes the
database records; a user at the limit is refused on the page and in the API, and nothing is stored."""

import pytest
from django.test import Client

from enhance import exports
from enhance.models import Enhancement, Upload
from enhance.services.limits import stored_bytes
from tests.enhance.test_limits import noise_png

pytestmark = pytest.mark.django_db


def disk_bytes(media_root) -> int:
    return sum(path.stat().st_size for path in media_root.rglob("*") if path.is_file())


def test_stored_bytes_counts_results_and_cached_downloads_as_recorded(enhanced, api, user, media_root):
    enhancement = enhanced()
    storage = enhancement.result.storage
    assert enhancement.result_bytes == storage.size(enhancement.result.name) + storage.size(enhancement.thumbnail.name)
    assert enhancement.export_bytes == 0
    assert stored_bytes(owner=user) == disk_bytes(media_root)  # original, result, thumbnail
    for out in ("webp", "jpeg", "webp"):  # the second WebP is the cached file: counted once
        b"".join(api.get(f"/display?id={enhancement.pk}&output={out}").streaming_content)
    enhancement.refresh_from_db()
    cached = [exports.variant_name(enhancement.result.name, out) for out in ("webp", "jpeg")]
    assert enhancement.export_bytes == sum(storage.size(name) for name in cached) > 0
    assert stored_bytes(owner=user) == disk_bytes(media_root)
    for path in media_root.rglob("*"):  # what the database recorded, not what the files measure now
        if path.is_file():
            path.write_bytes(b"")
    recorded = enhancement.result_bytes + enhancement.export_bytes + enhancement.preview_bytes
    assert stored_bytes(owner=user) == Upload.objects.get().bytes + recorded


def test_a_user_full_of_results_is_refused_on_the_page_and_in_the_api(
    enhanced, api, user, make_upload, settings, media_files
):
    # A 300×300 upload (~270 KB) whose ×4 result fills the 1 MB: the uploads alone would still fit.
    enhancement = enhanced(image=make_upload("noise.png", data=noise_png(300)), scale=4)
    assert enhancement.status == Enhancement.Status.DONE, enhancement.error
    settings.SRSITE_MAX_STORED_MB = 1
    assert Upload.objects.get().bytes < 1024 * 1024 < stored_bytes(owner=user)
    files, rows = media_files(), Enhancement.objects.count()

    response = api.post("/upload_img", {"image": make_upload("small.png"), "model": "bicubic"}, format="multipart")
    assert response.status_code == 413
    assert response.json()["error"].startswith("Your storage is full: this would keep ")
    assert response.json()["error"].endswith("the most is 1 MB. Please delete some enhancements first.")

    page = Client()
    page.force_login(user)
    response = page.post("/", {"images": [make_upload("small.png")]})
    assert response.status_code == 413 and "Your storage is full" in response.content.decode()
    # A re-run shares the upload but would store another result: refused too (said on the result page).
    response = page.post(f"/enhancements/{enhancement.pk}/rerun/", {"scale": "2", "model": "bicubic"}, follow=True)
    assert response.redirect_chain == [(f"/enhancements/{enhancement.pk}/", 302)]
    assert "Your storage is full" in response.content.decode()
    assert media_files() == files and Enhancement.objects.count() == rows
