"""Scale-out: the site under gunicorn on PostgreSQL, S3 storage, one shared queue (db or rq) and
two workers. Run by `make test-integration` once per queue backend; skipped in the unit run."""

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from PIL import Image

from enhance.models import Enhancement
from enhance.tasks import enhancement_run_task
from tests.integration.live import PROXY_HEADERS, SITE, png, report, wait_for

pytestmark = pytest.mark.skipif(not SITE, reason="make test-integration runs it against live servers")
Status = Enhancement.Status
BATCH = 10  # jobs per throughput measurement: 10 with one worker, then 10 with two
SIDE = 480  # uploads of 480 × 480 made 1920 × 1920 (×4): mostly engine work, not storage and queue overhead


def upload(session, *, seed: int, side: int = SIDE, scale: int = 4) -> int:
    image = ("photo.png", png(side, seed), "image/png")
    answer = session.post(f"{SITE}/upload_img", files={"image": image}, data={"scale": scale, "model": "bicubic"})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def all_finished(ids: list[int]):
    rows = list(Enhancement.objects.filter(pk__in=ids))
    return rows if all(row.status in Enhancement.FINISHED for row in rows) else None


def throughput(rows: list[Enhancement]) -> str:
    """Jobs per minute from the first start to the last finish, and the mean time one job took."""
    span = (max(r.finished_at for r in rows) - min(r.started_at for r in rows)).total_seconds()
    each = sum(r.processing_seconds for r in rows) / len(rows)
    return f"{len(rows)} jobs in {span:4.1f} s = {len(rows) * 60 / span:4.0f} jobs/min ({each:.2f} s per job)"


def worker_of(enhancement: Enhancement) -> list[str]:
    """The workers that ran this enhancement's current task, from the queue backend's own record."""
    return list(enhancement_run_task.get_result(enhancement.task_id).worker_ids)


def test_production_settings_and_healthz_through_gunicorn(client_for):
    import requests

    probe = {"Authorization": f"Bearer {settings.SRSITE_HEALTH_TOKEN}"}  # the detail is for operators
    assert requests.get(f"{SITE}/healthz").json() == {"ok": True}
    health = requests.get(f"{SITE}/healthz", headers=probe)  # probes come over plain HTTP
    assert health.status_code == 200, health.text
    checks = health.json()["checks"]
    assert checks["database"]["engine"] == "postgresql"
    assert checks["storage"]["backend"] == "s3"
    assert checks["queue"]["backend"] in ("db", "rq")
    assert "bicubic" in checks["weights"]["models"]
    # Everything else is HTTPS only; the proxy's header makes a request secure.
    plain = requests.get(f"{SITE}/api/models/", allow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    secure = requests.get(f"{SITE}/api/models/", headers=PROXY_HEADERS)
    assert secure.status_code == 401
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]
    static = requests.get(f"{SITE}/static/admin/css/base.css", headers=PROXY_HEADERS)  # whitenoise, collected
    assert static.status_code == 200


def test_twenty_uploads_each_processed_once_with_one_then_two_workers(client_for, workers, bucket):
    alice, bob = client_for("alice"), client_for("bob")
    # Workers first, then the uploads: the rates are of warm workers, not of their start-up.
    workers.start("solo")
    workers.wait_ready("solo")
    single = [upload(alice, seed=i) for i in range(BATCH)]
    one = wait_for(lambda: all_finished(single), timeout=180, interval=0.2, what="10 jobs on one worker")
    workers.stop("solo")

    workers.start("w1", "w2")
    workers.wait_ready("w1", "w2")
    double = [upload(alice if i % 2 else bob, seed=BATCH + i) for i in range(BATCH)]
    two = wait_for(lambda: all_finished(double), timeout=180, interval=0.2, what="10 jobs on two workers")
    workers.stop_all()

    rows = one + two
    assert [(r.status, r.attempts) for r in rows] == [(Status.DONE, 1)] * 2 * BATCH, [r.error for r in rows]
    # Each job ran once, on one worker, and its task succeeded (the queue backend's own record).
    ran_by = {r.pk: worker_of(r) for r in rows}
    assert all(len(names) == 1 for names in ran_by.values()), ran_by
    assert {enhancement_run_task.get_result(r.task_id).status.name for r in rows} == {"SUCCESSFUL"}
    split = {name: sum(names == [name] for names in ran_by.values()) for name in ("w1", "w2")}
    assert sum(split.values()) == BATCH

    # Originals, results (with their display previews) and thumbnails are in the bucket: exactly one object
    # each, nothing extra.
    for folder, fields in (
        ("originals", ["original"]),
        ("results", ["result", "preview"]),
        ("thumbnails", ["thumbnail"]),
    ):
        assert bucket.keys(folder) == {getattr(r, field).name for r in rows for field in fields}
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=rows[0].result.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]  # private

    # /display serves each result to its owner only (the file comes from the bucket through the site).
    owners = {"alice": alice, "bob": bob}
    for row in rows:
        answer = owners[row.owner.username].get(f"{SITE}/display", params={"id": row.pk})
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(answer.content)).size == (4 * SIDE, 4 * SIDE)
        stranger = bob if row.owner.username == "alice" else alice
        assert stranger.get(f"{SITE}/display", params={"id": row.pk}).status_code == 404

    # The pages' checking view streams from the bucket as well, to the owner only.
    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(rows[0].owner)
    served = page.get(f"/enhancements/{rows[0].pk}/files/result/", secure=True)
    assert served.status_code == 200 and Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (
        4 * SIDE,
        4 * SIDE,
    )
    page.force_login(User.objects.get(username="bob"))  # rows[0] is alice's
    assert page.get(f"/enhancements/{rows[0].pk}/files/result/", secure=True).status_code == 404

    report(f"1 worker:  {throughput(one)}")
    report(f"2 workers: {throughput(two)}, w1 ran {split['w1']}, w2 {split['w2']}")


def test_worker_killed_mid_job_its_job_is_finished_by_the_other(client_for, workers, bucket):
    carol = client_for("carol")
    workers.start("k1", "k2")
    workers.wait_ready("k1", "k2")
    job = upload(carol, seed=99, side=800, scale=4)  # 3200 × 3200: seconds of tiles with heartbeats

    def running_with_progress():
        row = Enhancement.objects.get(pk=job)
        assert row.status in (Status.QUEUED, Status.RUNNING), (row.status, row.error)
        return row if row.status == Status.RUNNING and 0 < row.progress < 90 else None

    row = wait_for(running_with_progress, timeout=120, what="the big job to be running")
    victim = worker_of(row)[-1]
    survivor = ({"k1", "k2"} - {victim}).pop()
    workers.kill(victim)
    killed_at = timezone.now()
    killed_progress = row.progress

    done = wait_for(lambda: all_finished([job]), timeout=90, interval=0.1, what="the killed worker's job")[0]
    recovery = (done.finished_at - killed_at).total_seconds()
    assert (done.status, done.attempts) == (Status.DONE, 2), done.error
    assert worker_of(done) == [survivor]
    assert Image.open(io.BytesIO(carol.get(f"{SITE}/display", params={"id": job}).content)).size == (3200, 3200)
    assert done.result.name in bucket.keys("results")
    assert not Enhancement.objects.filter(status__in=Enhancement.ACTIVE).exists()  # nothing stuck
    if settings.SRSITE_TASK_BACKEND == "db":  # RQ fails its record of the lost task itself, on its own clock
        assert enhancement_run_task.get_result(row.task_id).status == TaskResultStatus.FAILED
    workers.stop_all()
    report(
        f"SIGKILL of {victim} at {killed_progress}% of a job: finished by {survivor} {recovery:.1f} s later "
        f"(lease {settings.SRSITE_JOB_LEASE_SECONDS} s, reaper every 1 s)"
    )
