"""Runs whose worker died (lease expired, row still running): re-queued once, then failed.

Called only by the worker loop (before each job) and ``manage.py reap_enhancements``; never by a page or
an API read. The caller sends a task for each re-queued job (``enhance.tasks`` owns the queue).
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from enhance.jobs.backends import close_lost_task
from enhance.jobs.states import transition
from enhance.models import Enhancement

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 2  # a job whose worker died is re-queued once, then failed


@dataclass
class Reaped:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"requeued": len(self.requeued), "failed": len(self.failed)}


def reap_expired() -> Reaped:
    now = timezone.now()
    reaped = Reaped()
    expired = Enhancement.objects.filter(status=Enhancement.Status.RUNNING, lease_expires_at__lt=now)
    for pk, attempts, task_id, started_at in expired.values_list("pk", "attempts", "task_id", "started_at"):
        # Fenced by the run that was read: a run claimed since then is not the dead one.
        still_expired = {"fence": started_at, "now": now, "where": {"lease_expires_at__lt": now}}
        with transaction.atomic():
            if attempts < MAX_ATTEMPTS:
                done = transition("requeue", pk=pk, error="Worker lost (lease expired); re-queued.", **still_expired)
                (reaped.requeued if done else []).append(pk)
            else:
                error = f"Worker lost (lease expired) on {attempts} attempts; gave up."
                done = transition("fail", pk=pk, error=error, **still_expired)
                (reaped.failed if done else []).append(pk)
            if done:
                close_lost_task(task_id, now)
                logger.warning("Enhancement %s: lease expired after attempt %s", pk, attempts)
    return reaped
