"""Writes: every change to an enhancement goes through these functions (pages, API and workers alike)."""

from enhance.services.enhancements import (
    enhancement_cancel,
    enhancement_create,
    enhancement_delete,
    enhancement_queue,
    enhancement_queue_batch,
    enhancement_rerun,
    enhancement_retry,
)
from enhance.services.jobs import (
    WorkerLost,
    enhancement_reap_expired,
    enhancement_reap_if_stale,
    enhancement_run,
)
from enhance.services.limits import enhancement_delete_expired_drafts

__all__ = [
    "WorkerLost",
    "enhancement_cancel",
    "enhancement_create",
    "enhancement_delete",
    "enhancement_delete_expired_drafts",
    "enhancement_queue",
    "enhancement_queue_batch",
    "enhancement_reap_expired",
    "enhancement_reap_if_stale",
    "enhancement_rerun",
    "enhancement_retry",
    "enhancement_run",
]
