"""Every page of the site's own, signed out and signed in, under its Content-Security-Policy (no inline script,
no <style> element, no style attribute): chromium reports no `securitypolicyviolation` event on any of them,
and no CSP message on the console (tests/e2e/conftest.py fails a test on those)."""

import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from enhance import services
from enhance.models import Enhancement
from tests.e2e.helpers import log_in, photo_png

pytestmark = pytest.mark.django_db(transaction=True)

# Kept by the page from its first script on (an init script is the browser's own, not subject to the CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def visit(page: Page, url: str, ready: str | None = None) -> list[str]:
    """Open ``url`` (and wait for ``ready`` to show): the violations the page reported."""
    page.goto(url)
    if ready:
        expect(page.locator(ready).first).to_be_visible(timeout=20_000)
    page.wait_for_load_state("load")
    return violations(page)


def made(owner, name: str, status=None) -> Enhancement:
    """A draft of ``photo_png`` through the service; queued (not run) or done (bicubic, run now) when asked."""
    image = SimpleUploadedFile(name, photo_png(), content_type="image/png")
    enhancement = services.enhancement_create(owner=owner, upload=image)
    if status == Enhancement.Status.DONE:  # the test settings' queue runs a job once it is committed
        services.enhancement_queue(enhancement=enhancement, scale=2, model="bicubic", quality_check=False)
    elif status:
        Enhancement.objects.filter(pk=enhancement.pk).update(status=status)
    enhancement.refresh_from_db()
    return enhancement


def test_the_detector_reports_a_style_attribute_and_not_a_cssom_write(browser, live_server):
    page = browser.new_page()  # not the test's page: conftest would fail the test on the console message
    page.add_init_script(script=RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.body.style.color = 'black'")
    assert violations(page) == []
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    assert len(violations(page)) == 1 and "style-src-attr" in violations(page)[0]
    page.close()


def test_every_page_runs_under_the_csp_signed_out_and_signed_in(page: Page, live_server, make_user, settings):
    site = live_server.url
    page.add_init_script(script=RECORD_VIOLATIONS)
    alice = make_user("alice", email="alice@example.com")
    done = made(alice, "done.png", Enhancement.Status.DONE)
    assert done.status == Enhancement.Status.DONE, done.error
    draft = made(alice, "draft.png")
    queued = made(alice, "queued.png", Enhancement.Status.QUEUED)
    failed = made(alice, "failed.png", Enhancement.Status.FAILED)

    signed_out = {
        "/accounts/login/": "#id_username",
        "/accounts/signup/": "#id_password1",
        "/accounts/password_reset/": "#id_email",
        "/accounts/password_reset/done/": "h1",
        "/accounts/reset/MQ/not-a-token/": "h1",  # an expired or wrong reset link
        "/accounts/reset/done/": "h1",
        "/admin/login/": "#id_username",
        "/api/docs/": ".opblock-summary-path",
        "/api/": "h1",  # the browsable API's "not signed in"
        "/no-such-page/": "h1",
    }
    for path, ready in signed_out.items():
        assert visit(page, site + path, ready) == [], path
    settings.SRSITE_LOGIN_ATTEMPTS = 0  # the lock-out page
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many sign-in attempts")
    assert violations(page) == []
    settings.SRSITE_LOGIN_ATTEMPTS = 10
    cache.clear()

    log_in(page, site, "alice")
    signed_in = {
        "/": "[data-dropzone]",
        f"/enhancements/{draft.pk}/": "form",  # preview
        f"/enhancements/{done.pk}/": "img",  # result, with the compare view
        f"/enhancements/{queued.pk}/": "main",  # waiting, polled
        f"/enhancements/{failed.pk}/": "main",
        f"/enhancements/{done.pk}/delete/": "form",
        f"/batch/{done.batch_id}/": "main",
        f"/batch/{uuid.uuid4()}/": "h1",  # not found
        "/gallery/": "main",
        "/account/": "main",
        "/accounts/password_change/": "#id_old_password",
        "/api/": "h1",
        "/api/enhancements/": "h1",
        f"/api/enhancements/{done.pk}/": "h1",
        "/api/models/": "h1",
        "/api/docs/": ".opblock-summary-path",
        "/enhancements/999999/": "h1",  # someone else's or none: 404
    }
    for path, ready in signed_in.items():
        assert visit(page, site + path, ready) == [], path

    page.goto(f"{site}/account/")  # the token shown once
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("code").first).to_be_visible()
    assert violations(page) == []

    settings.SRSITE_MAX_STORED_MB = 0  # an upload refused on the page
    page.goto(f"{site}/")
    expect(page.locator("[data-upload][data-ready]")).to_be_attached()
    page.set_input_files("#id_images", files=[{"name": "big.png", "mimeType": "image/png", "buffer": photo_png()}])
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("body")).to_contain_text("Your storage is full")
    assert violations(page) == []
