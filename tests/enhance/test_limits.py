"""Per-user limits: each refusal is a clear message (page) or a 429/413 ``{"error"}`` (API) and stores nothing;
drafts expire."""

import io
import random
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from enhance import services
from enhance.models import Enhancement
from enhance.validation import EnhancementError

pytestmark = pytest.mark.django_db
Status = Enhancement.Status
WAIT = "Please wait for some to finish."


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


@pytest.fixture
def api_upload(client, user, make_upload):
    client.force_login(user)

    def post(size=(12, 8), data=None, **fields):
        image = make_upload("photo.png", data=data, size=size)
        return client.post("/upload_img", {"image": image, "model": "bicubic", **fields})

    return post


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: about 3 × side² bytes."""
    rng = random.Random(side)
    image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(3 * side * side)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_active_jobs_per_user_are_limited_in_the_api(api_upload, settings, media_files, make_user, client):
    settings.SRSITE_MAX_ACTIVE_JOBS = 2
    assert [api_upload().status_code for _ in range(2)] == [201, 201]  # queued; no worker runs them here
    files = media_files()
    response = api_upload()
    assert (response.status_code, response.json()) == (
        429,
        {"error": f"You have 2 jobs queued or running and the most at once is 2. {WAIT}"},
    )
    assert Enhancement.objects.count() == 2 and media_files() == files
    client.force_login(make_user("bob"))
    assert api_upload().status_code == 201  # per user


def test_queued_output_megapixels_per_user_are_limited(api_upload, settings):
    settings.SRSITE_MAX_QUEUED_MP = 1
    assert api_upload(size=(400, 400), scale=2).status_code == 201  # 0.64 MP out
    response = api_upload(size=(400, 400), scale=2)
    assert (response.status_code, response.json()) == (
        429,
        {"error": f"Your queued jobs would make 1 megapixels and the most at once is 1. {WAIT}"},
    )
    assert Enhancement.objects.count() == 1


def test_stored_upload_bytes_per_user_are_limited_with_a_413(api_upload, settings, media_files):
    settings.SRSITE_MAX_STORED_MB = 1
    data = noise_png(420)  # ~530 KB
    assert api_upload(data=data).status_code == 201
    response = api_upload(data=data)
    assert response.status_code == 413
    assert response.json()["error"] == (
        "Your storage is full: this would keep 1.1 MB of images and results; the most is 1 MB. "
        "Please delete some enhancements first."
    )
    assert Enhancement.objects.count() == 1 and len(media_files()) == 1


def test_the_upload_page_lists_a_storage_refusal_and_stores_nothing(client, user, make_upload, settings, media_files):
    settings.SRSITE_MAX_STORED_MB = 0
    client.force_login(user)
    response = client.post("/", {"images": [make_upload("big.png")]})
    assert response.status_code == 413
    assert "Your storage is full" in response.content.decode()
    assert not Enhancement.objects.exists() and media_files() == []


def test_queueing_a_draft_on_its_page_at_the_limit_says_why_and_keeps_the_draft(
    client, user, make_enhancement, settings
):
    settings.SRSITE_MAX_ACTIVE_JOBS = 1
    client.force_login(user)
    first, second = make_enhancement(), make_enhancement()
    client.post(f"/enhancements/{first.pk}/", {"scale": "2", "model": "bicubic"})
    response = client.post(f"/enhancements/{second.pk}/", {"scale": "2", "model": "bicubic"})
    assert response.status_code == 429
    assert "the most at once is 1. Please wait for some to finish." in response.content.decode()
    second.refresh_from_db()
    assert second.status == Status.NEW


def test_retry_and_rerun_count_against_the_limit(user, make_enhancement, settings):
    settings.SRSITE_MAX_ACTIVE_JOBS = 1
    failed, queued = make_enhancement(), make_enhancement()
    Enhancement.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    services.enhancement_queue(enhancement=queued, scale=2, model="bicubic", quality_check=False)
    failed.refresh_from_db()
    with pytest.raises(EnhancementError) as refused:
        services.enhancement_retry(enhancement=failed)
    assert refused.value.status == 429
    count = Enhancement.objects.count()
    with pytest.raises(EnhancementError):
        services.enhancement_rerun(enhancement=queued, scale=3, model="bicubic", quality_check=False)
    assert Enhancement.objects.count() == count


def test_drafts_older_than_a_day_are_deleted_by_the_reaper_with_their_files(
    make_enhancement, media_files, django_capture_on_commit_callbacks
):
    old, fresh, old_queued = make_enhancement(), make_enhancement(), make_enhancement()
    services.enhancement_queue(enhancement=old_queued, scale=2, model="bicubic", quality_check=False)
    day_ago = timezone.now() - timedelta(hours=24, minutes=1)
    Enhancement.objects.filter(pk__in=[old.pk, old_queued.pk]).update(created_at=day_ago)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reap_enhancements")
    assert set(Enhancement.objects.values_list("pk", flat=True)) == {fresh.pk, old_queued.pk}
    assert old.original.name not in media_files() and fresh.original.name in media_files()
