"""The one table of job states: which transition may leave which states, and what it writes.

Every status change of an enhancement goes through ``transition``: one conditional UPDATE that matches
the row only while it is in one of the transition's source states and, for a worker's writes, only while
the run still holds its claim (the lease fence). A write that lost the race changes nothing and says so.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from enhance.models import Enhancement

Status = Enhancement.Status
JOB_OPTIONS = (
    "scale",
    "model_requested",
    "model_resolved",
    "weights_hash",
    "quality_check",
    "check_degradation",
    "restore",
    "fit",
    "target_width",
    "target_height",
    "output_format",
    "output_quality",
)
# What the worker finds out before the engine runs: where, which model, and why that one.
CHOICE = ("device", "model_resolved", "weights_hash", "route", "jpeg_quality", "noise_sigma")
RESULT = (
    "result",
    "thumbnail",
    "result_bytes",
    "preview",
    "preview_bytes",
    "result_width",
    "result_height",
    "psnr_model",
    "ssim_model",
)
METRICS = ("psnr_bicubic", "ssim_bicubic", "check_model")


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    sets: tuple = ()  # fields the caller gives values for
    stamps: tuple = ()  # fields set to the time of the change
    clears: dict = field(default_factory=dict)  # fields always reset to these values
    lease: bool = False  # renews lease_expires_at


TRANSITIONS = {
    # A draft, or a failed or cancelled job tried again: a fresh start with a clean slate.
    "queue": Transition(
        frozenset({Status.NEW, Status.FAILED, Status.CANCELLED}),
        Status.QUEUED,
        sets=JOB_OPTIONS,
        stamps=("queued_at",),
        clears={
            "progress": 0,
            "error": "",
            "attempts": 0,
            "started_at": None,
            "finished_at": None,
            "lease_expires_at": None,
            "heartbeat_at": None,
        },
    ),
    "claim": Transition(
        frozenset({Status.QUEUED}),
        Status.RUNNING,
        sets=("task_id",),
        stamps=("started_at", "heartbeat_at"),
        clears={"progress": 0, "attempts": F("attempts") + 1},
        lease=True,
    ),
    # The worker reports progress or what it resolved; the row stays running.
    "heartbeat": Transition(
        frozenset({Status.RUNNING}),
        Status.RUNNING,
        sets=("progress", *CHOICE),
        stamps=("heartbeat_at",),
        lease=True,
    ),
    # Done: whatever went wrong on an earlier attempt is no longer true.
    "finish": Transition(
        frozenset({Status.RUNNING}),
        Status.DONE,
        sets=RESULT + METRICS,
        stamps=("finished_at",),
        clears={"progress": 100, "error": "", "lease_expires_at": None},
    ),
    # Failed while running, or could not be queued at all; a failed job shows no progress.
    "fail": Transition(
        frozenset({Status.QUEUED, Status.RUNNING}),
        Status.FAILED,
        sets=("error",),
        stamps=("finished_at",),
        clears={"progress": 0, "lease_expires_at": None},
    ),
    # The reaper hands a dead worker's job to the next worker; the error says why for staff.
    "requeue": Transition(
        frozenset({Status.RUNNING}),
        Status.QUEUED,
        sets=("error",),
        stamps=("queued_at",),
        clears={"progress": 0, "lease_expires_at": None},
    ),
    "cancel": Transition(
        frozenset({Status.QUEUED, Status.RUNNING}),
        Status.CANCELLED,
        stamps=("finished_at",),
        clears={"lease_expires_at": None},
    ),
}


def lease_until(now):
    return now + timedelta(seconds=settings.SRSITE_JOB_LEASE_SECONDS)


def transition(name: str, *, pk: int, fence=None, now=None, where: dict | None = None, **values) -> bool:
    """Apply transition ``name`` to row ``pk``: True when the row was in a source state and changed.

    ``fence`` is a run's claim time: a worker's write then matches only the run it claimed, so a worker that
    lost its lease (stalled, not dead) cannot write over a run the reaper handed to another worker. (Not the
    attempt number: a retry starts counting again.) ``where`` adds conditions (the reaper's expired lease).
    """
    step = TRANSITIONS[name]
    unknown = set(values) - set(step.sets)
    if unknown:
        raise ValueError(f"Transition {name!r} does not set {sorted(unknown)}")
    now = now or timezone.now()
    fields = {**step.clears, **values, **dict.fromkeys(step.stamps, now), "status": step.target}
    if step.lease:
        fields["lease_expires_at"] = lease_until(now)
    rows = Enhancement.objects.filter(pk=pk, status__in=step.sources, **(where or {}))
    if fence is not None:
        rows = rows.filter(started_at=fence)
    return bool(rows.update(**fields))
