"""The state of many jobs in one request: what a batch page, the gallery or a result page polls."""

from enhance import messages, selectors
from enhance.estimates import time_left_fields
from enhance.models import Enhancement
from enhance.validation import EnhancementError


def parse_status_ids(raw: str | None) -> list[int]:
    """``"3,5,8"`` → ``[3, 5, 8]``; EnhancementError for anything else (empty, not numbers, too many)."""
    message = messages.STATUS_IDS.format(limit=selectors.MAX_STATUS_IDS)
    parts = [part.strip() for part in (raw or "").split(",") if part.strip()]
    if not parts or len(parts) > selectors.MAX_STATUS_IDS or not all(part.isdigit() for part in parts):
        raise EnhancementError(message)
    return [int(part) for part in parts]


def enhancement_statuses(*, user, ids: list[int]) -> list[dict]:
    """Each job's status, progress, queue position and time left (a read: a job whose worker died is
    re-queued by the reaper beside the workers, not here)."""
    items = selectors.enhancement_statuses_for_user(user=user, ids=ids)
    active = [item["id"] for item in items if item["status"] in Enhancement.ACTIVE]
    rows = list(selectors.enhancement_list_for_user(user=user).filter(pk__in=active))
    left = time_left_fields(enhancements=rows)
    empty = {"seconds_left": None, "time_left": None}
    return [{**item, **left.get(item["id"], empty)} for item in items]
