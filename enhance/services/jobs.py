"""The job's side: queueing a task, running it under a lease, and rescuing jobs whose worker died."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import mlcore
from enhance import rendering
from enhance.models import Enhancement

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a job whose worker died is re-queued once, then failed (SPEC §6)
Status = Enhancement.Status


class JobAborted(Exception):
    """The job's row is no longer ours to run (cancelled, deleted or re-queued by the reaper)."""


class WorkerLost(Exception):
    """What the database queue's record of a task says when its worker died mid-job (lease expired)."""


def enqueue(enhancement_id: int) -> None:
    """Hand the job to the queue once the current transaction commits."""
    from enhance.tasks import enhancement_run_task  # tasks imports the services

    def send():
        try:
            result = enhancement_run_task.enqueue(enhancement_id)
        except Exception as exc:
            # The queue is down (Redis unreachable, …): a row left "queued" with no task would wait forever
            # (the reaper only sees running jobs). Failed, it keeps its original and can be tried again.
            logger.exception("Enhancement %s could not be queued", enhancement_id)
            Enhancement.objects.filter(pk=enhancement_id, status=Status.QUEUED).update(
                status=Status.FAILED, error=f"Not queued: {type(exc).__name__}: {exc}", finished_at=timezone.now()
            )
            return
        Enhancement.objects.filter(pk=enhancement_id).update(task_id=str(result.id))

    # After commit, so a worker never looks for a row it cannot see yet.
    transaction.on_commit(send)


def _lease_until():
    return timezone.now() + timedelta(seconds=settings.SRSITE_JOB_LEASE_SECONDS)


def enhancement_run(*, enhancement_id: int) -> None:
    """Run one queued job: the engine once (twice for a quality check), then result and thumbnail.

    Never raises for a job that fails: it is marked failed with the cause kept on the row for staff.
    """
    now = timezone.now()
    claimed = Enhancement.objects.filter(pk=enhancement_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        lease_expires_at=_lease_until(),
        attempts=F("attempts") + 1,
        progress=0,
    )
    if not claimed:
        return  # cancelled, deleted, or taken by another worker
    enhancement = Enhancement.objects.get(pk=enhancement_id)
    saved: list = []
    try:
        done = _render_and_store(enhancement, saved)
        if not _update_if_running(enhancement, **done):
            raise JobAborted
    except JobAborted:
        _delete_files(saved)
    except Exception as exc:
        logger.exception("Enhancement %s failed", enhancement_id)
        _delete_files(saved)
        _update_if_running(
            enhancement,
            status=Status.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
            lease_expires_at=None,
        )


def _render_and_store(enhancement: Enhancement, saved: list) -> dict:
    """Run the engine, store result and thumbnail; returns the row's final fields."""
    if settings.SRSITE_TORCH_THREADS:
        import torch  # only workers pay for it

        torch.set_num_threads(settings.SRSITE_TORCH_THREADS)
    device = mlcore.resolve_device(settings.SRSITE_DEVICE)

    def on_progress(done: int, total: int) -> None:
        # Heartbeat and cancel check in one query: no row left running means stop.
        percent = min(99, done * 100 // max(total, 1))
        if not _update_if_running(
            enhancement, progress=percent, heartbeat_at=timezone.now(), lease_expires_at=_lease_until()
        ):
            raise JobAborted

    choices = []

    def choose(opened) -> None:
        # On the upload as opened: its JPEG tables are gone once it is rotated or converted.
        choices.append(
            mlcore.choose_model(
                opened, scale=enhancement.scale, model=enhancement.model_requested, restore=enhancement.restore
            )
        )

    with enhancement.original.open("rb") as file:
        image, _ = mlcore.open_image(file, check=choose)  # the decode the upload was checked with
    choice = choices[0]
    inspection = choice.inspection
    _update_if_running(
        enhancement,
        device=device,
        model_resolved=choice.name,
        weights_hash=choice.weights_hash,
        restoring=choice.restoring,
        jpeg_quality=inspection.jpeg_quality if inspection else None,
        noise_sigma=inspection.noise_sigma if inspection else None,
    )
    metrics = {}
    options = {"scale": enhancement.scale, "model": choice.name, "device": device, "on_progress": on_progress}
    if enhancement.quality_check:
        result, metrics = rendering.quality_check(image, **options)
    else:
        result = rendering.upscale(image, **options)
    enhancement.result.save("result.png", ContentFile(rendering.encode(result)), save=False)
    saved.append(enhancement.result.name)
    enhancement.thumbnail.save("thumb.webp", ContentFile(rendering.thumbnail(result)), save=False)
    saved.append(enhancement.thumbnail.name)
    return {
        "status": Status.DONE,
        "progress": 100,
        "result": enhancement.result.name,
        "thumbnail": enhancement.thumbnail.name,
        "result_width": result.width,
        "result_height": result.height,
        "finished_at": timezone.now(),
        "lease_expires_at": None,
        **metrics,
    }


def _update_if_running(enhancement: Enhancement, **fields) -> bool:
    # The claim's start time fences this run: once the reaper has re-queued the job (or a person has retried
    # it) and another worker has claimed it, a late write from a worker that lost its lease (stalled, not
    # dead) matches no row. (Not the attempt number: a retry starts counting again.)
    running = Enhancement.objects.filter(pk=enhancement.pk, status=Status.RUNNING, started_at=enhancement.started_at)
    return bool(running.update(**fields))


def _delete_files(names: list) -> None:
    for name in names:
        Enhancement.result.field.storage.delete(name)


def enhancement_reap_expired() -> dict[str, int]:
    """SPEC §6: a running job whose lease expired (its worker died) is re-queued once, then failed."""
    now = timezone.now()
    counts = {"requeued": 0, "failed": 0}
    expired = Enhancement.objects.filter(status=Status.RUNNING, lease_expires_at__lt=now)
    for enhancement_id, attempts, task_id in expired.values_list("pk", "attempts", "task_id"):
        same = Enhancement.objects.filter(pk=enhancement_id, status=Status.RUNNING, lease_expires_at__lt=now)
        with transaction.atomic():
            if attempts < MAX_ATTEMPTS:
                reaped = same.update(
                    status=Status.QUEUED,
                    progress=0,
                    queued_at=now,
                    lease_expires_at=None,
                    error="Worker lost (lease expired); re-queued.",
                )
                if reaped:
                    enqueue(enhancement_id)
                    counts["requeued"] += 1
            else:
                reaped = same.update(
                    status=Status.FAILED,
                    finished_at=now,
                    lease_expires_at=None,
                    error=f"Worker lost (lease expired) on {attempts} attempts; gave up.",
                )
                counts["failed"] += reaped
            if reaped:
                _fail_lost_task(task_id, now)
        logger.warning("Enhancement %s: lease expired after attempt %s", enhancement_id, attempts)
    return counts


def _fail_lost_task(task_id: str, now) -> None:
    """The database queue's record of a task whose worker died stays "running" for ever (django-tasks-db
    has no reaper of its own; RQ moves such jobs to its failed registry itself): mark it failed."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if task_id and isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback="Worker lost (lease expired): the enhancement's own row says what happened next.",
        )


def enhancement_reap_if_stale(*, enhancement: Enhancement) -> Enhancement:
    """Looking at a job whose worker died rescues it at once: never shown stuck "running" (pages and API)."""
    lease = enhancement.lease_expires_at
    if enhancement.status == Status.RUNNING and lease and lease < timezone.now():
        enhancement_reap_expired()
        enhancement.refresh_from_db()
    return enhancement
