"""What each queue backend must be told when the reaper closes a run whose worker died.

RQ moves a dead worker's job to its failed registry itself; django-tasks-db has no reaper of its own, so
its record of the task would stay "running" for ever. This is the only place that writes a backend's
own records.
"""

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends


class WorkerLost(Exception):
    """A task's worker died mid-job (its lease expired), or lost its claim on the job while stalled."""


def close_lost_task(task_id: str, now) -> None:
    """Mark the queue's record of a dead worker's task failed, where the backend keeps such records."""
    if not task_id:
        return
    from django_tasks_db import DatabaseBackend  # the RQ backend's workers need not load it

    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        _close_database_task(task_id, now)


def _close_database_task(task_id: str, now) -> None:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="Worker lost (lease expired): the enhancement's own row says what happened next.",
    )
