"""Changes that people make: upload, queue, re-run, cancel, retry, delete (pages and API alike)."""

import uuid
from pathlib import PurePosixPath
from typing import Unpack

from django.db import transaction

from enhance import messages, rendering
from enhance.job_options import JobOptions, check_job
from enhance.jobs.states import JOB_OPTIONS, transition
from enhance.models import Batch, Enhancement, Upload
from enhance.services.limits import check_room
from enhance.tasks import enqueue
from enhance.validation import EnhancementError, check_upload

Status = Enhancement.Status


def _clean_filename(name: str | None) -> str:
    # Keep what a person recognises, drop paths and control characters, fit the column.
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".") or "image"
    suffix = PurePosixPath(base).suffix
    stem = base[: len(base) - len(suffix)]
    return stem[: 255 - len(suffix[:16])] + suffix[:16]


@transaction.atomic
def enhancement_create(
    *,
    owner,
    upload,
    batch: uuid.UUID | None = None,
    queue: bool = False,
    **options: Unpack[JobOptions],
) -> Enhancement:
    """Check and store an upload as a ``new`` enhancement, or ``queue`` it at once (the API's ``/upload_img``).

    EnhancementError leaves no row and no file.
    """
    if upload is not None:
        check_room(owner=owner, new_bytes=upload.size)  # before decoding: a full account costs no CPU
    info = check_upload(upload)
    fields = check_job(width=info.width, height=info.height, **options)
    batch_row, _ = Batch.objects.get_or_create(id=batch or uuid.uuid4(), owner=owner)
    original = Upload(
        owner=owner,
        name=_clean_filename(upload.name),
        bytes=upload.size,
        format=info.format,
        width=info.width,
        height=info.height,
    )
    original.file.save("upload" + rendering.EXTENSIONS.get(info.format, ""), upload, save=False)
    try:  # the file is stored before the rows exist: rows that fail to save must not leave it behind
        original.save()
        enhancement = Enhancement(owner=owner, batch=batch_row, upload=original, **fields)
        if queue:
            check_room(owner=owner, jobs=[enhancement])
            _set_queued(enhancement)
        else:
            enhancement.save()
    except Exception:
        original.file.delete(save=False)
        raise
    return enhancement


def enhancement_queue(*, enhancement: Enhancement, **options: Unpack[JobOptions]) -> Enhancement:
    """Set a ``new`` enhancement's settings (scale or target size, model, output format…) and queue it."""
    enhancement_queue_batch(enhancements=[enhancement], **options)
    return enhancement


@transaction.atomic
def enhancement_queue_batch(*, enhancements: list[Enhancement], **options: Unpack[JobOptions]) -> None:
    """Queue ``new`` enhancements with the same settings: all of them, or none when one is refused."""
    checked = []
    for enhancement in enhancements:  # every check before any change
        if enhancement.status != Status.NEW:
            raise EnhancementError(messages.ALREADY_QUEUED, status=409)
        checked.append(check_job(width=enhancement.original_width, height=enhancement.original_height, **options))
    for enhancement, fields in zip(enhancements, checked, strict=True):
        for name, value in fields.items():
            setattr(enhancement, name, value)
    if enhancements:
        check_room(owner=enhancements[0].owner, jobs=enhancements)
    for enhancement in enhancements:
        _set_queued(enhancement)


@transaction.atomic
def enhancement_rerun(*, enhancement: Enhancement, **options: Unpack[JobOptions]) -> Enhancement:
    """A new queued enhancement of the same upload (its file is shared, not copied), in a batch of its own."""
    again = Enhancement(
        owner=enhancement.owner,
        batch=Batch.objects.create(owner=enhancement.owner),
        upload=enhancement.upload,
        **check_job(width=enhancement.original_width, height=enhancement.original_height, **options),
    )
    check_room(owner=enhancement.owner, jobs=[again])  # the upload is shared: no bytes more are stored
    _set_queued(again)
    return again


@transaction.atomic
def enhancement_cancel(*, enhancement: Enhancement) -> Enhancement:
    """Cancel a queued or running job; a running one stops at its next tile and keeps no file."""
    if not transition("cancel", pk=enhancement.pk):
        raise EnhancementError(messages.CANCEL_NEEDS_ACTIVE, status=409)
    enhancement.refresh_from_db()
    return enhancement


@transaction.atomic
def enhancement_retry(*, enhancement: Enhancement) -> Enhancement:
    """Queue a failed or cancelled enhancement again with the same settings."""
    if enhancement.status not in (Status.FAILED, Status.CANCELLED):
        raise EnhancementError(messages.RETRY_NEEDS_ENDED, status=409)
    check_room(owner=enhancement.owner, jobs=[enhancement])
    _set_queued(enhancement)
    return enhancement


@transaction.atomic
def enhancement_delete(*, enhancement: Enhancement) -> None:
    """Delete the row and, once that is committed, its files; the upload goes with its last enhancement (a
    running job stops at its next tile)."""
    enhancement.delete()


def _set_queued(enhancement: Enhancement) -> None:
    """Queue a stored row with its (checked) job options; a row that is no longer queueable is a 409."""
    if enhancement.pk is None:
        enhancement.save()  # stored as a draft first: the transition below is what queues it
    options = {name: getattr(enhancement, name) for name in JOB_OPTIONS}
    if not transition("queue", pk=enhancement.pk, **options):
        raise EnhancementError(messages.ALREADY_QUEUED, status=409)
    enhancement.refresh_from_db()
    enqueue(enhancement.pk)
