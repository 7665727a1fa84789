"""Fair scheduling: a free worker takes the oldest queued job of the user who has waited longest since a
worker last started one of their jobs (round-robin by user), so one person's backlog delays another's
job by at most one job per user ahead of them, not by the whole backlog.

Backend-neutral: a queued task does not name its job; whichever task a worker picks up claims the job
this order puts first. There is one task per queued job, so every job is run once.
"""

from django.db.models import F, OuterRef, QuerySet, Subquery

from enhance.models import Enhancement

Status = Enhancement.Status


def _owners_last_start():
    started = Enhancement.objects.filter(owner=OuterRef("owner"), started_at__isnull=False)
    return Subquery(started.order_by("-started_at").values("started_at")[:1])


def queued_in_fair_order() -> QuerySet[Enhancement]:
    """Queued jobs, the next one to run first: owners never served, then the longest unserved; within an
    owner, oldest queued first."""
    return (
        Enhancement.objects.filter(status=Status.QUEUED)
        .annotate(owner_last_start=_owners_last_start())
        .order_by(F("owner_last_start").asc(nulls_first=True), "queued_at", "id")
    )


def predicted_order() -> list[int]:
    """Every queued job's id in the order workers will start them if every owner keeps what they queued: each
    round serves every owner with work once, in the order of ``queued_in_fair_order``'s first jobs."""
    rounds: dict[int, list[int]] = {}  # owner → their queued jobs, oldest first; owners in order of their next job
    for pk, owner in queued_in_fair_order().values_list("pk", "owner_id"):
        rounds.setdefault(owner, []).append(pk)
    depth = max((len(jobs) for jobs in rounds.values()), default=0)
    return [jobs[r] for r in range(depth) for jobs in rounds.values() if r < len(jobs)]


def jobs_before(enhancement: Enhancement) -> int | None:
    """How many queued jobs will start before this queued one (``predicted_order``); None when the job is not
    queued (any more)."""
    order = predicted_order()
    return order.index(enhancement.pk) if enhancement.pk in order else None
