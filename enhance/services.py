"""Writes: every change to an enhancement goes through these functions (pages and API alike)."""

import logging
import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

import mlcore
from enhance import rendering
from enhance.models import Enhancement
from enhance.validation import EnhancementError, check_job, check_upload

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a job whose worker died is re-queued once, then failed (SPEC §6)
Status = Enhancement.Status


class JobAborted(Exception):
    """The job's row is no longer ours to run (cancelled, deleted or re-queued by the reaper)."""


class WorkerLost(Exception):
    """What the database queue's record of a task says when its worker died mid-job (lease expired)."""


def _clean_filename(name: str | None) -> str:
    # Keep what a person recognises, drop paths and control characters, fit the column.
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".") or "image"
    suffix = PurePosixPath(base).suffix
    stem = base[: len(base) - len(suffix)]
    return stem[: 255 - len(suffix[:16])] + suffix[:16]


ORIGINAL_FIELDS = ("original_name", "original_bytes", "original_format", "original_width", "original_height")


def _job_fields(*, width: int, height: int, scale, model: str, quality_check: bool) -> dict:
    """Checked job settings as model fields (EnhancementError with SPEC words when refused)."""
    scale, resolved, weights_hash = check_job(
        width=width, height=height, scale=scale, model=model, quality_check=quality_check
    )
    return {
        "scale": scale,
        "model_requested": model or "default",
        "model_resolved": resolved,
        "weights_hash": weights_hash,
        "quality_check": quality_check,
    }


@transaction.atomic
def enhancement_create(
    *,
    owner,
    upload,
    batch: uuid.UUID | None = None,
    scale=2,
    model: str = "default",
    quality_check: bool = False,
    queue: bool = False,
) -> Enhancement:
    """Check and store an upload as a ``new`` enhancement, or ``queue`` it at once (the API's ``/upload_img``).

    EnhancementError leaves no row and no file.
    """
    info = check_upload(upload)
    enhancement = Enhancement(
        owner=owner,
        batch=batch or uuid.uuid4(),
        original_name=_clean_filename(upload.name),
        original_bytes=upload.size,
        original_format=info.format,
        original_width=info.width,
        original_height=info.height,
        **_job_fields(width=info.width, height=info.height, scale=scale, model=model, quality_check=quality_check),
    )
    enhancement.original.save("upload" + rendering.EXTENSIONS.get(info.format, ""), upload, save=False)
    _save_or_drop_original(enhancement, (lambda: _set_queued(enhancement)) if queue else enhancement.save)
    return enhancement


def enhancement_queue(*, enhancement: Enhancement, scale, model: str, quality_check: bool) -> Enhancement:
    """Set a ``new`` enhancement's scale and model and queue it."""
    enhancement_queue_batch(enhancements=[enhancement], scale=scale, model=model, quality_check=quality_check)
    return enhancement


@transaction.atomic
def enhancement_queue_batch(*, enhancements: list[Enhancement], scale, model: str, quality_check: bool) -> None:
    """Queue ``new`` enhancements with the same settings: all of them, or none when one is refused."""
    checked = []
    for enhancement in enhancements:  # every check before any change
        if enhancement.status != Status.NEW:
            raise EnhancementError("This enhancement has already been queued.", status=409)
        checked.append(
            _job_fields(
                width=enhancement.original_width,
                height=enhancement.original_height,
                scale=scale,
                model=model,
                quality_check=quality_check,
            )
        )
    for enhancement, fields in zip(enhancements, checked, strict=True):
        for name, value in fields.items():
            setattr(enhancement, name, value)
        _set_queued(enhancement)


@transaction.atomic
def enhancement_rerun(*, enhancement: Enhancement, scale, model: str, quality_check: bool) -> Enhancement:
    """A new queued enhancement from the same original (its own copy of the file)."""
    copy = Enhancement(
        owner=enhancement.owner,
        **{name: getattr(enhancement, name) for name in ORIGINAL_FIELDS},
        **_job_fields(
            width=enhancement.original_width,
            height=enhancement.original_height,
            scale=scale,
            model=model,
            quality_check=quality_check,
        ),
    )
    with enhancement.original.open("rb") as source:
        copy.original.save(PurePosixPath(enhancement.original.name).name, ContentFile(source.read()), save=False)
    _save_or_drop_original(copy, lambda: _set_queued(copy))
    return copy


def _save_or_drop_original(enhancement: Enhancement, save) -> None:
    # The file is stored before the row exists: a row that fails to save must not leave it behind.
    try:
        save()
    except Exception:
        enhancement.original.delete(save=False)
        raise


@transaction.atomic
def enhancement_cancel(*, enhancement: Enhancement) -> Enhancement:
    """Cancel a queued or running job; a running one stops at its next tile and keeps no file."""
    updated = Enhancement.objects.filter(pk=enhancement.pk, status__in=Enhancement.ACTIVE).update(
        status=Status.CANCELLED, finished_at=timezone.now(), lease_expires_at=None
    )
    if not updated:
        raise EnhancementError("Only a queued or running enhancement can be cancelled.", status=409)
    enhancement.refresh_from_db()
    return enhancement


@transaction.atomic
def enhancement_retry(*, enhancement: Enhancement) -> Enhancement:
    """Queue a failed or cancelled enhancement again with the same settings."""
    if enhancement.status not in (Status.FAILED, Status.CANCELLED):
        raise EnhancementError("Only a failed or cancelled enhancement can be tried again.", status=409)
    enhancement.attempts = 0
    _set_queued(enhancement)
    return enhancement


@transaction.atomic
def enhancement_delete(*, enhancement: Enhancement) -> None:
    """Delete the row and, once that is committed, every file (a running job stops at its next tile)."""
    enhancement.delete()


def _set_queued(enhancement: Enhancement) -> None:
    enhancement.status = Status.QUEUED
    enhancement.progress = 0
    enhancement.error = ""
    enhancement.queued_at = timezone.now()
    enhancement.started_at = enhancement.finished_at = enhancement.lease_expires_at = None
    enhancement.save()
    _enqueue(enhancement.pk)


def _enqueue(enhancement_id: int) -> None:
    from enhance.tasks import enhancement_run_task  # tasks imports this module

    def enqueue():
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
    transaction.on_commit(enqueue)


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
    model, weights_hash = mlcore.resolve_model(enhancement.model_requested, enhancement.scale)
    _update_if_running(enhancement, device=device, model_resolved=model, weights_hash=weights_hash)

    def on_progress(done: int, total: int) -> None:
        # Heartbeat and cancel check in one query: no row left running means stop.
        percent = min(99, done * 100 // max(total, 1))
        if not _update_if_running(
            enhancement, progress=percent, heartbeat_at=timezone.now(), lease_expires_at=_lease_until()
        ):
            raise JobAborted

    with enhancement.original.open("rb") as file, Image.open(file) as image:
        image.load()
        metrics = {}
        options = {"scale": enhancement.scale, "model": model, "device": device, "on_progress": on_progress}
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
                    _enqueue(enhancement_id)
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
