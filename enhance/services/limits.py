"""Per-user limits (settings, docs/deploy.md): jobs queued or running, the megapixels those jobs will make,
bytes stored (uploads, results and the files derived from them); and drafts that expire. A refusal is an
EnhancementError (429 or 413) raised inside the transaction that would write, before anything is stored."""

import logging
import math
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Sum
from django.utils import timezone

from enhance import messages
from enhance.models import Enhancement, Upload
from enhance.validation import EnhancementError

logger = logging.getLogger(__name__)


# Every kind of file the site keeps for a job besides its upload, as the Enhancement column recording its bytes:
# a new derived file kind adds its column here, and stored_bytes counts it.
DERIVED_BYTES = ("result_bytes", "export_bytes", "preview_bytes")


def stored_bytes(*, owner) -> int:
    """Bytes stored for ``owner``, from the sizes recorded in the database (no file is looked at): each upload
    once, however many enhancements share it, plus every enhancement's derived files."""
    # an upload: its file, the thumbnail made of it for the tiles and its display image (enhance.exports)
    upload_bytes = Sum(F("bytes") + F("thumbnail_bytes") + F("display_bytes"))
    uploads = Upload.objects.filter(owner_id=owner.pk).aggregate(total=upload_bytes)["total"] or 0
    derived = sum((F(name) for name in DERIVED_BYTES[1:]), F(DERIVED_BYTES[0]))
    jobs = Enhancement.objects.filter(owner_id=owner.pk).aggregate(total=Sum(derived))["total"] or 0
    return uploads + jobs


def check_room(*, owner, new_bytes: int = 0, jobs: Iterable[Enhancement] = ()) -> None:
    """Refuse storing ``new_bytes`` more of uploads, or queueing ``jobs`` (not yet active), for ``owner``: a
    job makes a result, so none is queued once the storage is full.

    Locks the owner's row first: two requests of one person are checked one after the other (PostgreSQL;
    SQLite runs one writer at a time anyway), so together they cannot pass a limit each alone would not.
    """
    jobs = list(jobs)
    get_user_model().objects.select_for_update().filter(pk=owner.pk).exists()
    mine = Enhancement.objects.filter(owner_id=owner.pk)
    if new_bytes or jobs:
        stored = stored_bytes(owner=owner) + new_bytes
        limit = settings.SRSITE_MAX_STORED_MB * 1024 * 1024
        if stored > limit or (not new_bytes and stored >= limit):  # a job alone: refused only once full
            raise EnhancementError(
                messages.STORAGE_FULL.format(megabytes=_mb(stored), limit=settings.SRSITE_MAX_STORED_MB), status=413
            )
    if not jobs:
        return
    active = list(mine.filter(status__in=Enhancement.ACTIVE))
    if len(active) + len(jobs) > settings.SRSITE_MAX_ACTIVE_JOBS:
        raise EnhancementError(
            messages.TOO_MANY_JOBS.format(active=len(active), limit=settings.SRSITE_MAX_ACTIVE_JOBS), status=429
        )
    megapixels = sum(_output_mp(e) for e in active) + sum(_output_mp(e) for e in jobs)
    if megapixels > settings.SRSITE_MAX_QUEUED_MP:
        raise EnhancementError(
            messages.TOO_MANY_MEGAPIXELS.format(megapixels=megapixels, limit=settings.SRSITE_MAX_QUEUED_MP), status=429
        )


def _output_mp(enhancement: Enhancement) -> float:
    width, height = enhancement.output_size
    return width * height / 1_000_000


def _mb(size: int) -> str:
    # Rounded up: a total just over the limit never reads as the limit itself.
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f}"


def enhancement_delete_expired_drafts() -> int:
    """Delete drafts (uploaded, never queued) older than ``SRSITE_DRAFT_HOURS``, their files with them
    (once the delete commits); returns how many. The reaper command calls it."""
    cutoff = timezone.now() - timedelta(hours=settings.SRSITE_DRAFT_HOURS)
    expired = Enhancement.objects.filter(status=Enhancement.Status.NEW, created_at__lt=cutoff)
    deleted = 0
    for pk in expired.values_list("pk", flat=True):
        # One by one, still a draft (not queued meanwhile); each row's post_delete signal removes its files.
        count, _ = Enhancement.objects.filter(pk=pk, status=Enhancement.Status.NEW).delete()
        deleted += bool(count)
    if deleted:
        logger.info("Deleted %s expired drafts", deleted)
    return deleted
