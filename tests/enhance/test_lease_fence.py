"""Exactly once with many workers: a worker that lost its lease while stalled (not dead) cannot write over
the run that the reaper handed to another worker."""

import pytest
from PIL import Image

from enhance import rendering, services
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def test_stalled_worker_whose_job_was_reaped_and_reclaimed_keeps_no_result(make_enhancement, media_files, monkeypatch):
    enhancement = make_enhancement()
    Enhancement.objects.filter(pk=enhancement.pk).update(status=Status.QUEUED)

    def stalled_upscale(image, **options):
        # Meanwhile the lease ran out, the reaper re-queued the job and another worker claimed it.
        Enhancement.objects.filter(pk=enhancement.pk).update(status=Status.RUNNING, attempts=2, progress=10)
        return Image.new("RGB", (image.width * 2, image.height * 2))

    monkeypatch.setattr(rendering, "upscale", stalled_upscale)
    services.enhancement_run(enhancement_id=enhancement.pk)

    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.attempts, enhancement.progress) == (Status.RUNNING, 2, 10)
    assert (enhancement.result.name, enhancement.thumbnail.name) == ("", "")
    assert media_files() == [enhancement.original.name]  # the stalled run's files are gone
