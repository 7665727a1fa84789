"""The queue boundary (django-tasks: the database queue by default, RQ on Redis when configured): the
background task, and how a queued job is handed to it."""

import logging

from django.db import close_old_connections, connection, transaction
from django_tasks import task

from enhance.jobs import reaper, runner
from enhance.jobs.states import transition
from enhance.models import Enhancement

logger = logging.getLogger(__name__)


@task(takes_context=True)
def enhancement_run_task(context, enhancement_id: int | None = None) -> None:
    """Run the next queued job by the fair rule (``enhance.jobs.fair``), whichever job this task was sent
    for: one task per queued job, any task runs any job. (Tasks queued before that rule name their job;
    the name is ignored the same way.)"""
    # A long-lived worker (RQ's runs jobs in its own process) drops a connection the database closed; a task
    # run inline inside a caller's transaction (the immediate backend) leaves the caller's connection alone.
    if not connection.in_atomic_block:
        close_old_connections()
    # A live worker also rescues jobs whose worker died, before taking on its own.
    reap_and_requeue()
    runner.run_next(task_id=str(context.task_result.id))


def reap_and_requeue() -> dict[str, int]:
    """Re-queue (once) or fail the jobs whose worker died; each re-queued job gets a new task."""
    with transaction.atomic():
        reaped = reaper.reap_expired()
        for pk in reaped.requeued:
            enqueue(pk)
    return reaped.counts()


def enqueue(enhancement_id: int) -> None:
    """Hand a queued job to the queue once the current transaction commits."""

    def send():
        try:
            result = enhancement_run_task.enqueue()
        except Exception as exc:
            # The queue is down (Redis unreachable, …): a row left "queued" with no task would wait forever
            # (the reaper only sees running jobs). Failed, it keeps its original and can be tried again.
            logger.exception("Enhancement %s could not be queued", enhancement_id)
            error = f"Not queued: {type(exc).__name__}: {exc}"
            transition("fail", pk=enhancement_id, where={"status": Enhancement.Status.QUEUED}, error=error)
            return
        Enhancement.objects.filter(pk=enhancement_id).update(task_id=str(result.id))

    # After commit, so a worker never looks for a row it cannot see yet.
    transaction.on_commit(send)
