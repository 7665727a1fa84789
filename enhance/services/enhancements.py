"""Changes that people make: upload, queue, re-run, cancel, retry, delete (pages and API alike)."""

import uuid
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from enhance import rendering
from enhance.models import Enhancement
from enhance.services.jobs import enqueue
from enhance.services.limits import check_room
from enhance.validation import EnhancementError, check_job, check_upload

Status = Enhancement.Status


def _clean_filename(name: str | None) -> str:
    # Keep what a person recognises, drop paths and control characters, fit the column.
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".") or "image"
    suffix = PurePosixPath(base).suffix
    stem = base[: len(base) - len(suffix)]
    return stem[: 255 - len(suffix[:16])] + suffix[:16]


ORIGINAL_FIELDS = ("original_name", "original_bytes", "original_format", "original_width", "original_height")


def _job_fields(*, width: int, height: int, scale, model: str, quality_check: bool, restore: str = "auto") -> dict:
    """Checked job settings as model fields (EnhancementError with SPEC words when refused)."""
    scale, resolved, weights_hash = check_job(
        width=width, height=height, scale=scale, model=model, quality_check=quality_check, restore=restore
    )
    return {
        "scale": scale,
        "model_requested": model or "default",
        "model_resolved": resolved,
        "weights_hash": weights_hash,
        "quality_check": quality_check,
        "restore": restore,
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
    restore: str = "auto",
    queue: bool = False,
) -> Enhancement:
    """Check and store an upload as a ``new`` enhancement, or ``queue`` it at once (the API's ``/upload_img``).

    EnhancementError leaves no row and no file.
    """
    if upload is not None:
        check_room(owner=owner, new_bytes=upload.size)  # before decoding: a full account costs no CPU
    info = check_upload(upload)
    enhancement = Enhancement(
        owner=owner,
        batch=batch or uuid.uuid4(),
        original_name=_clean_filename(upload.name),
        original_bytes=upload.size,
        original_format=info.format,
        original_width=info.width,
        original_height=info.height,
        **_job_fields(
            width=info.width,
            height=info.height,
            scale=scale,
            model=model,
            quality_check=quality_check,
            restore=restore,
        ),
    )
    if queue:
        check_room(owner=owner, jobs=[enhancement])
    enhancement.original.save("upload" + rendering.EXTENSIONS.get(info.format, ""), upload, save=False)
    _save_or_drop_original(enhancement, (lambda: _set_queued(enhancement)) if queue else enhancement.save)
    return enhancement


def enhancement_queue(
    *, enhancement: Enhancement, scale, model: str, quality_check: bool, restore: str = "auto"
) -> Enhancement:
    """Set a ``new`` enhancement's scale and model and queue it."""
    enhancement_queue_batch(
        enhancements=[enhancement], scale=scale, model=model, quality_check=quality_check, restore=restore
    )
    return enhancement


@transaction.atomic
def enhancement_queue_batch(
    *, enhancements: list[Enhancement], scale, model: str, quality_check: bool, restore: str = "auto"
) -> None:
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
                restore=restore,
            )
        )
    for enhancement, fields in zip(enhancements, checked, strict=True):
        for name, value in fields.items():
            setattr(enhancement, name, value)
    if enhancements:
        check_room(owner=enhancements[0].owner, jobs=enhancements)
    for enhancement in enhancements:
        _set_queued(enhancement)


@transaction.atomic
def enhancement_rerun(
    *, enhancement: Enhancement, scale, model: str, quality_check: bool, restore: str = "auto"
) -> Enhancement:
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
            restore=restore,
        ),
    )
    check_room(owner=enhancement.owner, new_bytes=enhancement.original_bytes, jobs=[copy])
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
    check_room(owner=enhancement.owner, jobs=[enhancement])
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
    enqueue(enhancement.pk)
