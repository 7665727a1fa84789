"""Fair scheduling: round-robin by user, so one person's backlog does not hold up another's job."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from enhance import selectors, services
from enhance.jobs import fair
from enhance.models import Enhancement

Status = Enhancement.Status


def queue_many(make_enhancement, owner, count, *, model="bicubic"):
    jobs = [make_enhancement(owner=owner, size=(8, 8)) for _ in range(count)]
    services.enhancement_queue_batch(enhancements=jobs, scale=2, model=model, quality_check=False)
    return jobs


@pytest.mark.django_db
def test_queue_position_counts_what_runs_before_under_round_robin(
    user, make_user, make_enhancement, django_capture_on_commit_callbacks
):
    bob = make_user("bob")
    with django_capture_on_commit_callbacks():  # no worker: they stay queued
        alices = queue_many(make_enhancement, user, 3)
        bobs = queue_many(make_enhancement, bob, 2)
    positions = {job.pk: selectors.enhancement_queue_position(enhancement=job) for job in alices + bobs}
    # alice 1, bob 1, alice 2, bob 2, alice 3
    assert [positions[job.pk] for job in alices] == [1, 3, 5]
    assert [positions[job.pk] for job in bobs] == [2, 4]


@pytest.mark.django_db
def test_queue_position_puts_the_owner_served_last_behind_one_never_served(
    user, make_user, make_enhancement, django_capture_on_commit_callbacks
):
    bob = make_user("bob")
    served = make_enhancement(owner=user)
    Enhancement.objects.filter(pk=served.pk).update(status=Status.DONE, started_at=timezone.now())
    with django_capture_on_commit_callbacks():
        alices = queue_many(make_enhancement, user, 2)  # queued first, but alice was served just now
        bobs = queue_many(make_enhancement, bob, 2)
    positions = [selectors.enhancement_queue_position(enhancement=job) for job in bobs + alices]
    assert positions == [1, 3, 2, 4]  # bob 1, alice 1, bob 2, alice 2
    assert list(fair.queued_in_fair_order().values_list("pk", flat=True)[:1]) == [bobs[0].pk]


@pytest.mark.django_db(transaction=True)
def test_one_users_backlog_delays_anothers_job_by_at_most_one_job_on_the_real_worker(
    user, make_user, make_enhancement, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.SRSITE_MAX_ACTIVE_JOBS = 50  # a backlog larger than the default per-user limit allows
    bob = make_user("bob")
    alices = queue_many(make_enhancement, user, 50)  # a backlog, queued first
    (bobs,) = queue_many(make_enhancement, bob, 1)
    assert selectors.enhancement_queue_position(enhancement=bobs) == 2
    call_command("db_worker", batch=True, reload=False, startup_delay=False)
    order = list(Enhancement.objects.order_by("started_at", "id").values_list("pk", "status"))
    assert {status for _, status in order} == {Status.DONE} and len(order) == 51
    # The free worker took alice's oldest job, then bob's: his waited one job, not fifty.
    assert [pk for pk, _ in order[:2]] == [alices[0].pk, bobs.pk]
    assert [pk for pk, _ in order[2:]] == [job.pk for job in alices[1:]]  # hers in the order she queued them
