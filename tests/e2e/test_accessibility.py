"""axe-core (vendored, tests/e2e/axe/) on every page state of the site's own: 0 serious or critical
violations. Each state is checked and every finding printed before the test fails, so one run lists them all."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations, load_axe, log_in, own_page_states


@pytest.mark.django_db(transaction=True)
def test_no_serious_or_critical_axe_violations(page: Page, live_server, make_user):
    load_axe(page)
    found: dict[str, list[str]] = {}

    def check(state: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(live_server.url + path)
        found[state] = axe_violations(page)

    # Signed out: "/" sends to the log-in page.
    check("log in", "/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    check("sign up", "/accounts/signup/")
    check("password reset", "/accounts/password_reset/")
    page.fill("#id_email", "nobody@example.com")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    check("password reset sent")
    check("404 (signed out)", "/no-such-page/")
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
    check("API docs")
    page.locator(".opblock-summary-path").filter(has_text="/upload_img").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    check("API docs (an operation open, to try out)")

    make_user("bob")
    log_in(page, live_server.url, "bob")
    check("gallery (empty)", "/gallery/")
    page.get_by_role("button", name="Log out").click()

    states = own_page_states(make_user("ada"))
    log_in(page, live_server.url, "ada")
    for state, path in states.items():
        check(state, path)
    check("404", "/enhancements/999999/")
    check("API root", "/api/")
    page.emulate_media(color_scheme="dark")  # the site follows the system's dark mode: its colours too
    for state, path in states.items():
        check(f"{state}, dark", path)
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/account/")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("Your new token")).to_be_visible()
    check("account (new token)")
    page.goto(live_server.url + states["delete"])
    page.get_by_role("button", name="Delete").click()
    expect(page.locator(".flash")).to_be_visible()
    check("gallery (after a delete: a flash message)")
    # A form posted with a stale CSRF token: the 403 page.
    page.evaluate("document.querySelectorAll('[name=csrfmiddlewaretoken]').forEach((i) => (i.value = 'stale'))")
    page.get_by_role("button", name="Log out").click()
    check("403 (CSRF)")

    print(f"\naxe-core on {len(found)} page states:")
    for state, violations in found.items():
        print(f"  {state}: {len(violations)} serious/critical" + "".join(f"\n    {v}" for v in violations))
    assert not any(found.values()), "serious or critical accessibility violations (listed above)"
