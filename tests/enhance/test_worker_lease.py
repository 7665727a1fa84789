"""docs/spec.md §6: a job whose worker died (lease expired, row still "running") is re-queued once, then failed;
the database queue (django-tasks-db) runs jobs in a separate worker."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from enhance import rendering, services
from enhance.jobs.backends import WorkerLost
from enhance.models import Enhancement
from enhance.tasks import reap_and_requeue

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def worker_died(enhancement, *, attempts):
    """The row a killed worker leaves behind: running, with a lease that ran out."""
    Enhancement.objects.filter(pk=enhancement.pk).update(
        status=Status.RUNNING, attempts=attempts, progress=40, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_expired_lease_is_requeued_once_and_the_job_then_finishes(make_enhancement, run_jobs):
    enhancement = make_enhancement()
    worker_died(enhancement, attempts=1)
    with run_jobs():
        assert reap_and_requeue() == {"requeued": 1, "failed": 0}
    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.attempts, enhancement.progress) == (Status.DONE, 2, 100)
    assert enhancement.error == ""  # "Worker lost … re-queued" is no longer true once it finished


def test_second_expired_lease_fails_the_job_with_the_cause(make_enhancement, django_capture_on_commit_callbacks):
    enhancement = make_enhancement()
    worker_died(enhancement, attempts=1)
    with django_capture_on_commit_callbacks() as callbacks:
        reap_and_requeue()
    enhancement.refresh_from_db()
    assert (enhancement.status, len(callbacks)) == (Status.QUEUED, 1)
    worker_died(enhancement, attempts=2)  # the second worker died too
    assert reap_and_requeue() == {"requeued": 0, "failed": 1}
    enhancement.refresh_from_db()
    assert enhancement.status == Status.FAILED and "lease expired" in enhancement.error
    assert enhancement.progress == 0  # not the dead attempt's 40 %
    assert enhancement.lease_expires_at is None and enhancement.finished_at


def test_live_lease_is_left_alone(make_enhancement):
    enhancement = make_enhancement()
    Enhancement.objects.filter(pk=enhancement.pk).update(
        status=Status.RUNNING, attempts=1, lease_expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert reap_and_requeue() == {"requeued": 0, "failed": 0}


def test_reading_a_dead_job_leaves_it_to_the_reaper(client, user, make_enhancement):
    enhancement = make_enhancement()
    worker_died(enhancement, attempts=2)
    client.force_login(user)
    assert client.get(reverse("enhance:status", args=[enhancement.pk])).json()["status"] == "running"
    assert client.get(f"/api/enhancements/{enhancement.pk}/").json()["status"] == "running"
    call_command("reap_enhancements")  # as the worker loop or the reaper beside it would, within seconds
    assert client.get(reverse("enhance:status", args=[enhancement.pk])).json()["status"] == "failed"


def test_reap_command_reports_what_it_did(make_enhancement, capsys):
    worker_died(make_enhancement(), attempts=2)
    call_command("reap_enhancements")
    assert "re-queued 0, failed 1" in capsys.readouterr().out


@pytest.fixture
def queued_in_database(make_enhancement, settings):
    """An enhancement queued on the database queue (django-tasks-db), which a separate worker runs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    enhancement = make_enhancement()
    services.enhancement_queue(enhancement=enhancement, scale=2, model="default", quality_check=False)
    enhancement.refresh_from_db()
    return enhancement


def run_database_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False)


@pytest.mark.django_db(transaction=True)
def test_database_queue_worker_runs_a_queued_job(queued_in_database):
    enhancement = queued_in_database
    assert enhancement.status == Status.QUEUED and enhancement.task_id  # waits in the database
    run_database_worker()
    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.result_width) == (Status.DONE, 24)


@pytest.mark.django_db(transaction=True)
def test_database_queue_record_of_a_dead_workers_task_is_failed_and_the_job_runs_again(queued_in_database):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    enhancement = queued_in_database
    lost = DBTaskResult.objects.get(id=enhancement.task_id)
    lost.claim("killed-worker")  # a worker took the task, then was killed mid-job
    worker_died(enhancement, attempts=1)
    assert reap_and_requeue() == {"requeued": 1, "failed": 0}
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED and lost.finished_at
    assert lost.task_result.errors[0].exception_class is WorkerLost
    run_database_worker()  # the re-queued task
    enhancement.refresh_from_db()
    assert enhancement.status == Status.DONE and enhancement.task_id != str(lost.id)
    assert DBTaskResult.objects.running().count() == 0


@pytest.mark.django_db(transaction=True)
def test_stalled_worker_leaves_the_task_record_the_reaper_closed_failed(queued_in_database, monkeypatch):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    enhancement, real_upscale, stalls = queued_in_database, rendering.upscale, []

    def stall_once(image, **options):
        result = real_upscale(image, **options)
        if not stalls:  # the worker stalls past its lease; meanwhile the reaper re-queues its job
            stalls.append(DBTaskResult.objects.get(status=TaskResultStatus.RUNNING))
            Enhancement.objects.filter(pk=enhancement.pk).update(lease_expires_at=timezone.now() - timedelta(1))
            assert reap_and_requeue() == {"requeued": 1, "failed": 0}
        return result

    monkeypatch.setattr(rendering, "upscale", stall_once)
    run_database_worker()  # the stalled run resumes and is fenced off, then the re-queued task runs
    stalled = DBTaskResult.objects.get(id=stalls[0].id)
    assert stalled.status == TaskResultStatus.FAILED  # not "successful" over the reaper's record
    assert stalled.task_result.errors[0].exception_class is WorkerLost
    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.attempts, enhancement.error) == (Status.DONE, 2, "")
