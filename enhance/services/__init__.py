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

__all__ = [
    "enhancement_cancel",
    "enhancement_create",
    "enhancement_delete",
    "enhancement_delete_expired_drafts",
    "enhancement_queue",
    "enhancement_queue_batch",
    "enhancement_rerun",
    "enhancement_retry",
]
