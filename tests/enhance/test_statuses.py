"""Many jobs' states in one request: the page endpoint (with a finished tile's HTML) and the API's."""

import pytest
from django.test import Client
from django.utils import timezone

from enhance import services
from enhance.models import Enhancement
from enhance.tasks import reap_and_requeue

pytestmark = pytest.mark.django_db
Status = Enhancement.Status
PAGE, API = "/enhancements/status/", "/api/enhancements/status/"


@pytest.fixture
def jobs(client, user, make_user, make_enhancement, run_jobs):
    """A done job, two queued ones (positions 1 and 2) and someone else's queued job."""
    client.force_login(user)
    done, first, second = (make_enhancement(name=f"{n}.png") for n in ("done", "first", "second"))
    with run_jobs():
        services.enhancement_queue(enhancement=done, scale=2, model="bicubic", quality_check=False)
    services.enhancement_queue_batch(enhancements=[first, second], scale=2, model="bicubic", quality_check=False)
    theirs = make_enhancement(owner=make_user("mallory"))
    return done, first, second, theirs


@pytest.mark.parametrize("url", [PAGE, API])
def test_states_of_own_jobs_in_the_order_asked(client, jobs, url):
    done, first, second, theirs = jobs
    response = client.get(f"{url}?ids={second.pk},{theirs.pk},{first.pk},{done.pk},{second.pk}")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["id"], i["status"], i["progress"], i["queue_position"]) for i in items] == [
        (second.pk, "queued", 0, 2),
        (first.pk, "queued", 0, 1),
        (done.pk, "done", 100, None),
    ]


def test_page_answer_carries_a_finished_jobs_tile_only(client, jobs):
    done, first, *_ = jobs
    items = client.get(f"{PAGE}?ids={first.pk},{done.pk}").json()["items"]
    assert "tile" not in items[0]
    assert f"/enhancements/{done.pk}/download/" in items[1]["tile"] and "done.png" in items[1]["tile"]


@pytest.mark.parametrize("url", [PAGE, API])
@pytest.mark.parametrize("ids", ["", "1,x", "-1", ",".join(["1"] * 101)])
def test_bad_ids_are_a_400_that_says_what_is_expected(client, jobs, url, ids):
    response = client.get(f"{url}?ids={ids}")
    assert response.status_code == 400
    assert response.json() == {"error": "ids must be enhancement ids separated by commas, at most 100."}


def test_a_job_whose_worker_died_shows_requeued_once_the_reaper_ran(client, jobs, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    _, first, *_ = jobs
    past = timezone.now() - timezone.timedelta(minutes=5)
    Enhancement.objects.filter(pk=first.pk).update(status=Status.RUNNING, attempts=1, lease_expires_at=past)
    [item] = client.get(f"{API}?ids={first.pk}").json()["items"]
    assert item["status"] == "running"  # a read never reaps
    reap_and_requeue()  # what the worker loop and the reaper command do
    [item] = client.get(f"{API}?ids={first.pk}").json()["items"]
    assert item["status"] == "queued"


@pytest.mark.parametrize("url", [PAGE, API])
def test_statuses_need_a_signed_in_user(jobs, url):
    assert Client().get(f"{url}?ids={jobs[0].pk}").status_code in (302, 401, 403)
