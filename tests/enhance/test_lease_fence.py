"""Exactly once with many workers: a worker that lost its lease while stalled (not dead) cannot write over
the run that the reaper handed to another worker."""

import pytest

from enhance import rendering, services
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def test_stalled_worker_whose_job_was_reaped_and_reclaimed_keeps_no_result(make_enhancement, media_files, monkeypatch):
    enhancement = make_enhancement()
    Enhancement.objects.filter(pk=enhancement.pk).update(status=Status.QUEUED)

    real_upscale = rendering.upscale

    def stalled_upscale(image, **options):
        result = real_upscale(image, **options)  # the real engine, through its last tile
        # Then the worker stalls: the lease runs out, the reaper re-queues the job and another worker claims it.
        Enhancement.objects.filter(pk=enhancement.pk).update(status=Status.RUNNING, attempts=2, progress=10)
        return result

    monkeypatch.setattr(rendering, "upscale", stalled_upscale)
    services.enhancement_run(enhancement_id=enhancement.pk)

    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.attempts, enhancement.progress) == (Status.RUNNING, 2, 10)
    assert (enhancement.result.name, enhancement.thumbnail.name) == ("", "")
    assert media_files() == [enhancement.original.name]  # the stalled run's files are gone
