"""A worker's run of one queued job: claim it, heartbeat as tiles finish, store the result, or fail it.

Never raises for a job that fails: it is marked failed with the cause kept on the row for staff. Raises
``WorkerLost`` when the run lost its claim while stalled, so the queue's record of the task ends as the
reaper left it (failed), not successful.
"""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone

from enhance import exports, rendering
from enhance.jobs import engine, fair
from enhance.jobs.backends import WorkerLost
from enhance.jobs.states import transition
from enhance.models import Enhancement

logger = logging.getLogger(__name__)
Status = Enhancement.Status


class JobAborted(Exception):
    """The job's row is no longer this run's to write (cancelled, deleted, or claimed again)."""


CLAIM_TRIES = 10  # another worker may take the job this one chose first; then the next is tried


def run_next(*, task_id: str = "") -> int | None:
    """Claim the job the fair order puts first and run it; its id, or None when nothing is queued."""
    for _ in range(CLAIM_TRIES):
        enhancement_id = fair.queued_in_fair_order().values_list("pk", flat=True).first()
        if enhancement_id is None:
            return None
        if run(enhancement_id=enhancement_id, task_id=task_id):
            return enhancement_id
    return None


def run(*, enhancement_id: int, task_id: str = "") -> bool:
    """Claim job ``enhancement_id`` if it is still queued, and run it to the end; False when not claimed."""
    claimed_at = timezone.now()
    if not transition("claim", pk=enhancement_id, now=claimed_at, task_id=task_id):
        return False  # cancelled, deleted, or taken by another worker
    enhancement = Enhancement.objects.get(pk=enhancement_id)
    saved: list[str] = []
    try:
        fields = _render_and_store(enhancement, saved)
        if not transition("finish", pk=enhancement_id, fence=claimed_at, **fields):
            raise JobAborted
    except JobAborted:
        _delete_files(saved)
        _raise_if_overtaken(enhancement_id)
    except Exception as exc:
        logger.exception("Enhancement %s failed", enhancement_id)
        _delete_files(saved)
        transition("fail", pk=enhancement_id, fence=claimed_at, error=f"{type(exc).__name__}: {exc}")
    return True


def _render_and_store(enhancement: Enhancement, saved: list[str]) -> dict:
    """Run the engine, store the result, its thumbnail and its preview; returns the fields the finished row gets."""
    fence = enhancement.started_at
    device = engine.prepare()

    def on_choice(choice: dict) -> None:
        transition("heartbeat", pk=enhancement.pk, fence=fence, device=device, **choice)

    def on_progress(done: int, total: int) -> None:
        # Heartbeat and cancel check in one query: no row left running for this run means stop.
        percent = min(99, done * 100 // max(total, 1))
        if not transition("heartbeat", pk=enhancement.pk, fence=fence, progress=percent):
            raise JobAborted

    result, metrics = engine.render(enhancement, device=device, on_choice=on_choice, on_progress=on_progress)
    png, thumb = rendering.encode(result), rendering.thumbnail(result)
    enhancement.result.save("result.png", ContentFile(png), save=False)
    saved.append(enhancement.result.name)
    enhancement.thumbnail.save("thumb.webp", ContentFile(thumb), save=False)
    saved.append(enhancement.thumbnail.name)
    preview, preview_bytes = exports.store_preview(enhancement.result, result)
    saved.append(preview)
    return {
        "result": enhancement.result.name,
        "thumbnail": enhancement.thumbnail.name,
        "result_bytes": len(png) + len(thumb),  # counted against the owner's storage (services.limits)
        "preview": preview,
        "preview_bytes": preview_bytes,
        "result_width": result.width,
        "result_height": result.height,
        **metrics,
    }


def _raise_if_overtaken(enhancement_id: int) -> None:
    # Cancelled or deleted by its owner: this run simply ends. Anything else means the reaper took the job
    # from this run (re-queued or failed it), and the queue's record of the task must not read "successful".
    status = Enhancement.objects.filter(pk=enhancement_id).values_list("status", flat=True).first()
    if status not in (None, Status.CANCELLED):
        raise WorkerLost(f"Enhancement {enhancement_id}: this run lost its lease; the job is now {status}.")


def _delete_files(names: list[str]) -> None:
    for name in names:
        Enhancement.result.field.storage.delete(name)
