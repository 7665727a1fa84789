"""Time estimates: one function from the zoo's measured seconds per megapixel, the model list's labels, and the
time left of queued (the fair queue ahead) and running jobs (their pace, and the finish after the last tile)."""

import json
import re
from datetime import timedelta
from statistics import median

import pytest
from django.test import Client
from django.utils import timezone

import mlcore
from enhance import estimates, messages, services
from enhance.models import Enhancement
from mlcore import zoo

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def measured(name: str, scale: int) -> float:
    rows = json.loads((zoo.WEIGHTS_DIR / "zoo.json").read_text())["measured"][name][str(scale)].values()
    return median(row["seconds_per_mp"] for row in rows)


def test_estimate_is_the_cards_seconds_per_megapixel_times_the_output_megapixels():
    estimate = estimates.job_estimate(model="espcn", scale=2, output_mp=4.0)
    assert estimate.engine == pytest.approx(4.0 * measured("espcn", 2))
    assert estimate.finish == pytest.approx(4.0 * estimates.FINISH_SECONDS_PER_MP)
    best = mlcore.resolve_model("default", 3)[0]
    assert estimates.job_estimate(model="default", scale=3, output_mp=2.0).engine == pytest.approx(
        2.0 * measured(best, 3)
    )
    checked = estimates.job_estimate(model="espcn", scale=2, output_mp=4.0, quality_check=True)
    assert checked.engine > estimate.engine  # the restorations come on top
    assert estimates.job_estimate(model="nope", scale=2, output_mp=1.0) is None


def test_a_model_never_measured_is_estimated_from_its_flops(restoring_zoo):
    estimate = estimates.job_estimate(model="espcn_restore", scale=2, output_mp=1.0)
    # Same network, same FLOPs: the seconds per FLOP of the measured espcn (its architecture's) give its time.
    assert estimate.engine == pytest.approx(measured("espcn", 2))


def test_model_list_speaks_plain_words_with_the_time_for_this_image(client, user, make_enhancement):
    client.force_login(user)
    draft = make_enhancement(size=(500, 400))
    page = client.get(f"/enhancements/{draft.pk}/").content.decode()
    for scale in (2, 4):
        seconds = estimates.job_estimate(model="edsr_lite", scale=scale, output_mp=0.2 * scale**2).seconds
        label = f"Best quality — {messages.duration(seconds)} for this image"
        assert f'data-label-{scale}="{label}"' in page
        assert f'data-label-{scale}="Default: {label}"' in page
    assert ">Classic SRCNN — " in page and ">Fastest — " in page


def test_duration_words():
    assert [messages.duration(s) for s in (0.4, 4.4, 12, 58, 61, 3 * 3600 + 60)] == [
        "under a second",
        "about 4 s",
        "about 10 s",
        "about 55 s",
        "about 1 min",
        "about 3 h 1 min",
    ]


@pytest.fixture
def queue(user, make_user, make_enhancement, django_capture_on_commit_callbacks):
    """A running job of Bob's (half done) and, queued, two of Alice's and one of Bob's (never run)."""
    bob = make_user("bob")
    jobs = {}
    with django_capture_on_commit_callbacks():
        for name, owner in (("running", bob), ("a1", user), ("a2", user), ("b1", bob)):
            jobs[name] = make_enhancement(owner=owner, name=f"{name}.png", size=(400, 300))
            services.enhancement_queue(enhancement=jobs[name], scale=2, model="espcn")
    now = timezone.now()
    Enhancement.objects.filter(pk=jobs["running"].pk).update(
        status=Status.RUNNING, progress=50, started_at=now - timedelta(seconds=3), heartbeat_at=now
    )
    return {name: Enhancement.objects.get(pk=job.pk) for name, job in jobs.items()}


def test_queued_jobs_wait_for_the_running_one_and_the_fair_order_before_them(queue):
    one = estimates.enhancement_estimate(queue["a1"]).seconds  # every job here is the same size and model
    running = estimates.job_estimate(model="espcn", scale=2, output_mp=0.48)
    left = estimates.enhancement_seconds_left(enhancements=list(queue.values()))
    # Running: half done in 3 s → its model part projected from that pace, blended with the estimate.
    projected = 0.5 * 6 + 0.5 * running.engine + running.finish - 3
    assert left[queue["running"].pk] == pytest.approx(max(projected, 0), abs=0.5)
    # Fair order: Alice (never served) a1, then Bob's b1, then Alice's a2 — one after the other, one worker.
    assert left[queue["a1"].pk] == pytest.approx(left[queue["running"].pk] + one)
    assert left[queue["b1"].pk] == pytest.approx(left[queue["running"].pk] + 2 * one)
    assert left[queue["a2"].pk] == pytest.approx(left[queue["running"].pk] + 3 * one)


def test_status_endpoint_gives_seconds_and_words_for_each_pending_job(client, user, queue):
    client.force_login(user)
    ids = ",".join(str(queue[name].pk) for name in ("a2", "a1"))
    items = client.get(f"/api/enhancements/status/?ids={ids}").json()["items"]
    left = estimates.enhancement_seconds_left(enhancements=[queue["a2"], queue["a1"]])
    assert [item["seconds_left"] for item in items] == pytest.approx(
        [left[queue["a2"].pk], left[queue["a1"].pk]], abs=1
    )
    # The words are the seconds before rounding up (the running job's clock moves between the two reads).
    assert items[0]["time_left"] in {messages.time_left(items[0]["seconds_left"] - d) for d in (0, 0.5, 0.99)}
    assert items[0]["queue_position"] == 3 and items[0]["seconds_left"] > items[1]["seconds_left"]


def test_a_running_job_past_its_last_tile_still_counts_the_finish_not_99_percent_forever(queue):
    job = queue["running"]
    estimate = estimates.enhancement_estimate(job)
    now = timezone.now()
    # The tiles took 100 s (slower than estimated), the last one just now: the PNG is being written.
    Enhancement.objects.filter(pk=job.pk).update(progress=99, started_at=now - timedelta(seconds=100), heartbeat_at=now)
    job.refresh_from_db()
    left = estimates.enhancement_seconds_left(enhancements=[job])[job.pk]
    since = (timezone.now() - now).total_seconds()  # the clock the estimate reads moved on (a loaded machine: ~0.1 s)
    paced = 0.99 * 100 * 100 / 99 + 0.01 * estimate.engine
    assert left == pytest.approx(paced + estimate.finish - 100, abs=0.5)
    assert left + since > 0.9 * estimate.finish  # the finish is still ahead: not "almost done" at 99 %
    # The last tile an hour ago, long past any estimate: "almost done", never a negative time.
    Enhancement.objects.filter(pk=job.pk).update(
        started_at=now - timedelta(hours=2), heartbeat_at=now - timedelta(hours=1)
    )
    job.refresh_from_db()
    assert estimates.enhancement_seconds_left(enhancements=[job])[job.pk] == 0
    assert messages.time_left(0) == "almost done"


def test_result_page_and_tiles_show_the_time_left(queue, user):
    client = Client()
    client.force_login(user)
    page = client.get(f"/enhancements/{queue['a2'].pk}/").content.decode()
    assert len(re.findall(r"data-status-time>[^<]+ left<", page)) == 1
    gallery = client.get("/gallery/").content.decode()
    assert len(re.findall(r"data-status-time>[^<]+ left<", gallery)) == 2  # Alice's two queued jobs


def test_estimates_follow_the_workers_pace_on_the_last_finished_jobs(make_enhancement, run_jobs):
    cards = estimates.card_speeds()
    assert estimates.worker_pace(cards) == 1.0  # nothing finished yet: the zoo's numbers as measured
    jobs = [make_enhancement(name=f"{n}.png", size=(400, 300)) for n in range(3)]
    with run_jobs():
        for job in jobs:
            services.enhancement_queue(enhancement=job, scale=2, model="espcn")
    # Say the workers took 3×, 4× and 10× the cards' estimate: the median, 4×, is this site's pace.
    for job, factor in zip(jobs, (3, 4, 10), strict=True):
        job.refresh_from_db()
        seconds = factor * estimates.enhancement_estimate(job, table=cards).seconds
        Enhancement.objects.filter(pk=job.pk).update(finished_at=job.started_at + timedelta(seconds=seconds))
    assert estimates.worker_pace(cards) == pytest.approx(4.0)
    paced = estimates.job_estimate(model="espcn", scale=2, output_mp=1.0)
    carded = estimates.job_estimate(model="espcn", scale=2, output_mp=1.0, table=cards)
    assert paced.seconds == pytest.approx(4 * carded.seconds)
