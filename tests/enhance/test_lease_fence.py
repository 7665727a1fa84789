"""Exactly once with many workers: a worker that lost its lease while stalled (not dead) cannot write over
the run that the reaper handed to another worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enhance import rendering
from enhance.jobs import runner
from enhance.jobs.backends import WorkerLost
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def run_with_a_stall(enhancement, monkeypatch, *, while_stalled: dict) -> None:
    """Runs the job with the real engine; after its last tile the worker stalls, and meanwhile the row is
    changed to ``while_stalled`` (what the reaper, a person and another worker did in that time)."""
    Enhancement.objects.filter(pk=enhancement.pk).update(status=Status.QUEUED)
    real_upscale = rendering.upscale

    def stalled_upscale(image, **options):
        result = real_upscale(image, **options)
        Enhancement.objects.filter(pk=enhancement.pk).update(**while_stalled)
        return result

    monkeypatch.setattr(rendering, "upscale", stalled_upscale)
    try:
        runner.run(enhancement_id=enhancement.pk)
    finally:
        enhancement.refresh_from_db()


@pytest.mark.parametrize(
    "attempts",
    [
        2,  # the reaper re-queued the job and another worker claimed it
        1,  # the reaper failed it, its owner pressed "try again", and another worker claimed it: a new count
    ],
)
def test_stalled_worker_whose_job_was_claimed_again_keeps_no_result(
    attempts, make_enhancement, media_files, monkeypatch
):
    enhancement = make_enhancement()
    reclaimed = {"status": Status.RUNNING, "attempts": attempts, "progress": 10}
    with pytest.raises(WorkerLost):  # the queue's record of this run's task ends failed, not successful
        run_with_a_stall(enhancement, monkeypatch, while_stalled={**reclaimed, "started_at": timezone.now()})
    assert (enhancement.status, enhancement.attempts, enhancement.progress) == (Status.RUNNING, attempts, 10)
    assert (enhancement.result.name, enhancement.thumbnail.name) == ("", "")
    assert media_files() == [enhancement.original.name]  # the stalled run's files are gone


def test_worker_that_was_not_overtaken_finishes_its_job(make_enhancement, media_files, monkeypatch):
    enhancement = make_enhancement()
    run_with_a_stall(enhancement, monkeypatch, while_stalled={"heartbeat_at": timezone.now() + timedelta(seconds=1)})
    assert (enhancement.status, enhancement.attempts, enhancement.progress) == (Status.DONE, 1, 100)
    assert len(media_files()) == 4  # original, result, thumbnail, preview
