"""The state of many jobs in one request: what a batch page, the gallery or a result page polls."""

from django.utils import timezone

from enhance import selectors
from enhance.models import Enhancement
from enhance.services.jobs import enhancement_reap_expired
from enhance.validation import EnhancementError

IDS_MESSAGE = "ids must be enhancement ids separated by commas, at most {limit}."


def parse_status_ids(raw: str | None) -> list[int]:
    """``"3,5,8"`` → ``[3, 5, 8]``; EnhancementError for anything else (empty, not numbers, too many)."""
    message = IDS_MESSAGE.format(limit=selectors.MAX_STATUS_IDS)
    parts = [part.strip() for part in (raw or "").split(",") if part.strip()]
    if not parts or len(parts) > selectors.MAX_STATUS_IDS or not all(part.isdigit() for part in parts):
        raise EnhancementError(message)
    return [int(part) for part in parts]


def enhancement_statuses(*, user, ids: list[int]) -> list[dict]:
    """Each job's status, progress and queue position; a job among them whose worker died is rescued
    first, so a page never shows it stuck "running"."""
    stale = Enhancement.objects.filter(
        owner_id=user.pk, pk__in=ids, status=Enhancement.Status.RUNNING, lease_expires_at__lt=timezone.now()
    )
    if stale.exists():
        enhancement_reap_expired()
    return selectors.enhancement_statuses_for_user(user=user, ids=ids)
