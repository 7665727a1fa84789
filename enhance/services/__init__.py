"""Writes that people make: every change to an enhancement from a page or the API goes through these
functions. The job's own writes (claim, progress, result, reaping) live in ``enhance.jobs``."""

from enhance.services.enhancements import (
    enhancement_cancel,
    enhancement_create,
    enhancement_delete,
    enhancement_queue,
    enhancement_queue_batch,
    enhancement_rerun,
    enhancement_retry,
)
from enhance.services.limits import enhancement_delete_expired_drafts
from enhance.services.statuses import enhancement_statuses, parse_status_ids

__all__ = [
    "enhancement_cancel",
    "enhancement_create",
    "enhancement_delete",
    "enhancement_delete_expired_drafts",
    "enhancement_queue",
    "enhancement_queue_batch",
    "enhancement_rerun",
    "enhancement_retry",
    "enhancement_statuses",
    "parse_status_ids",
]
