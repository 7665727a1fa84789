"""The batch page in chromium: a tile's Cancel and Try again change that tile in place (no reload, the one
status timer goes on), the overall bar follows, and "Download all" gives a ZIP of the finished results."""

import zipfile

import pytest
from playwright.sync_api import Page, expect

from enhance.models import Enhancement
from tests.e2e.helpers import DB_QUEUE, log_in, photo_png, queued_batch, run_worker, shot, watch_console


def status_fetches(page: Page) -> int:
    return page.evaluate(
        """() => performance.getEntriesByType("resource")
            .filter((e) => e.initiatorType === "fetch" && e.name.includes("/status/")).length"""
    )


@pytest.mark.django_db(transaction=True)
def test_cancel_retry_and_download_all(page: Page, live_server, settings, make_user, make_upload):
    settings.TASKS = DB_QUEUE  # no worker yet: jobs stay queued until the test runs one
    uploads = [make_upload(f"{name}.png", data=photo_png()) for name in ("beach", "forest", "city")]
    batch, items = queued_batch(make_user("ada"), uploads)

    errors = watch_console(page)
    log_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/batch/{batch}/")
    page.evaluate("window.__sameDocument = true")
    summary, download = page.locator("[data-batch-text]"), page.get_by_role("link", name="Download all (ZIP)")
    expect(summary).to_have_text("0 of 3 done")
    expect(download).to_be_hidden()

    tile = page.locator(".tile").nth(0)
    tile.get_by_role("button", name="Cancel beach.png").click()
    expect(tile.locator(".badge-cancelled")).to_be_visible()
    expect(summary).to_have_text("0 of 3 done, 1 cancelled")
    expect(page.locator("[data-batch-message]")).to_have_text("Cancelled.")
    assert Enhancement.objects.get(pk=items[0].pk).status == Enhancement.Status.CANCELLED
    shot(page, "batch-cancelled")

    tile.get_by_role("button", name="Try again beach.png").click()
    expect(tile.locator("[data-status]")).to_have_attribute("data-state", "queued")
    expect(summary).to_have_text("0 of 3 done")
    expect(page.locator("[data-batch-message]")).to_have_text("Queued again.")
    before = status_fetches(page)
    page.wait_for_timeout(6000)
    idle = status_fetches(page) - before  # one timer backing off: 1.2, 1.8, 2.7 s … apart
    assert 1 <= idle <= 4, idle

    run_worker()
    expect(page.locator(".tile .badge-done")).to_have_count(3)
    expect(summary).to_have_text("3 of 3 done")
    expect(page.locator("[data-batch-message]")).to_be_empty()  # "Queued again." is out of date by now
    expect(page.locator("[data-batch-bar]")).to_have_js_property("value", 100)
    expect(download).to_be_visible()
    shot(page, "batch-actions")
    with page.expect_download() as info:
        download.click()
    with zipfile.ZipFile(info.value.path()) as archive:
        assert archive.namelist() == [f"{name}_x2_bicubic.png" for name in ("beach", "forest", "city")]
        for item, name in zip(items, archive.namelist(), strict=True):
            item.refresh_from_db()
            with item.result.open("rb") as stored:
                assert archive.read(name) == stored.read()
    assert errors == []
    assert page.evaluate("window.__sameDocument") is True
