"""A batch page with 8 pending jobs asks for their state with one request at a time, at most one a second
on average, and stops asking within 5 s of the last job finishing; nothing is reloaded, nothing logged.

POLL_WINDOW_SECONDS (default 12) sets how long the pending phase is watched; the numbers are printed.
"""

import os
import time

import pytest
from django.db import OperationalError
from django.utils import timezone
from playwright.sync_api import Page, expect

from enhance.models import Enhancement
from tests.e2e.helpers import DB_QUEUE, log_in, photo_png, queued_batch, run_worker, shot, watch_console

WINDOW = float(os.environ.get("POLL_WINDOW_SECONDS", "12"))
JOBS = 8


def update(ids, **fields) -> None:
    """An ORM update from the test thread; the in-memory test database is shared with the live server's
    thread, whose reads can hold a table lock for a moment (SQLite's shared cache does not wait)."""
    for _attempt in range(50):
        try:
            Enhancement.objects.filter(pk__in=ids).update(**fields)
            return
        except OperationalError:
            time.sleep(0.05)
    Enhancement.objects.filter(pk__in=ids).update(**fields)


def fetches(page: Page) -> list[dict]:
    """Every fetch the page made (Resource Timing, with epoch start times in seconds)."""
    return page.evaluate(
        """() => performance.getEntriesByType("resource")
            .filter((e) => e.initiatorType === "fetch")
            .map((e) => ({ url: e.name, start: (performance.timeOrigin + e.startTime) / 1000 }))"""
    )


@pytest.mark.django_db(transaction=True)
def test_batch_page_polls_once_for_all_jobs_and_stops(page: Page, live_server, settings, make_user, make_upload):
    settings.TASKS = DB_QUEUE  # no worker yet: jobs stay queued until the test runs one
    uploads = [make_upload(f"photo {n}.png", data=photo_png((60 + n, 40))) for n in range(JOBS)]
    batch, items = queued_batch(make_user("ada"), uploads)
    running = [item.pk for item in items[: JOBS // 2]]  # as if a worker had them: progress moves
    Enhancement.objects.filter(pk__in=running).update(
        status=Enhancement.Status.RUNNING,
        started_at=timezone.now(),
        lease_expires_at=timezone.now() + timezone.timedelta(hours=1),
    )

    page.add_init_script("performance.setResourceTimingBufferSize(100000)")
    errors = watch_console(page)
    log_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/batch/{batch}/")
    page.evaluate("window.__sameDocument = true")
    start = time.time()
    for step in range(int(WINDOW // 2)):
        update(running, progress=10 + 10 * step)
        page.wait_for_timeout(2000)
    during = [f for f in fetches(page) if start <= f["start"] <= start + WINDOW]
    print(f"\n{JOBS} jobs, {WINDOW:.0f} s pending: {len(during)} requests ({len(during) / WINDOW:.2f}/s)")
    expect(page.locator(".tile [data-status-text]").first).to_contain_text("%")
    shot(page, "batch-running")

    # The real worker finishes all of them (the "running" ones go back to the queue it reads).
    update(running, status=Enhancement.Status.QUEUED, started_at=None)
    run_worker()
    last_finish = max(e.finished_at or timezone.now() for e in Enhancement.objects.filter(batch=batch)).timestamp()
    page.wait_for_timeout(6000)
    after = [f for f in fetches(page) if f["start"] > last_finish]

    last_request = max(f["start"] for f in fetches(page))
    print(
        f"{len(after)} after the last job finished, the last {last_request - last_finish:+.1f} s after it; "
        f"{len(errors)} console errors"
    )
    expect(page.locator(".tile .badge-done")).to_have_count(JOBS)
    assert len(during) / WINDOW <= 1.0
    assert last_request - last_finish <= 5.0
    assert errors == []
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator(".tile img[src*='/files/thumbnail/']")).to_have_count(JOBS)  # result thumbnails in place
    shot(page, "batch-done")
