"""Layout in a real browser: a phone (390×844, touch) sees every main page without sideways scrolling, the
nav folded behind Menu (and all links without JS), "Choose images" leading the upload; tiles of portrait and
landscape pictures line up; the token page's example wraps and its Copy buttons copy. Screenshots: phone-*."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations, load_axe, log_in, own_page_states, shot

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def too_wide(page: Page) -> list[str]:
    """What sticks out past the viewport's right edge (empty when the page fits), the outermost first."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`];
            if (document.documentElement.scrollWidth <= width) return [];
            for (const el of document.body.querySelectorAll("*")) {
                const right = el.getBoundingClientRect().right;
                if (right > width + 0.5 && el.getClientRects().length)
                    out.push(`${el.tagName}.${el.className} ${Math.round(right)}px`);
                if (out.length > 6) break;
            }
            return out;
        }"""
    )


@pytest.mark.browser_context_args(**PHONE)
@pytest.mark.django_db(transaction=True)
def test_a_phone_sees_every_main_page_whole(page: Page, live_server, make_user):
    states = own_page_states(make_user("ada"))
    load_axe(page)
    wide = {}
    page.goto(f"{live_server.url}/accounts/login/")
    wide["log in"] = too_wide(page)
    shot(page, "phone-login")
    log_in(page, live_server.url, "ada")

    # The nav is folded behind Menu; Escape folds it again and gives the focus back to the button.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Gallery")).to_be_hidden()
    # A touch screen cannot drag files in: "Choose images" leads, the drag-and-drop words are gone.
    expect(page.get_by_text("Drag and drop images here")).to_be_hidden()
    expect(page.locator("label", has_text="Choose images")).to_be_visible()
    shot(page, "phone-upload")
    menu.tap()  # a finger, as on a phone (a mouse click would make chromium report a fine pointer)
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Gallery")).to_be_visible()
    shot(page, "phone-menu", full_page=False)
    assert axe_violations(page) == []  # the open menu too
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Gallery")).to_be_hidden()
    expect(menu).to_be_focused()

    for state, path in states.items():
        page.goto(live_server.url + path)
        wide[state] = too_wide(page)
        if state in ("preview", "result (done)", "gallery", "batch"):
            shot(page, "phone-" + state.split(" ")[0])
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("button", name="Create token").click()
    wide["account (new token)"] = too_wide(page)
    shot(page, "phone-account")
    assert {state: found for state, found in wide.items() if found} == {}


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}, java_script_enabled=False)
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_phone_nav_shows_all_its_links(page: Page, live_server, make_user):
    make_user("ada")
    log_in(page, live_server.url, "ada")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Upload", "Gallery", "API token", "API docs"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert too_wide(page) == []


@pytest.mark.django_db(transaction=True)
def test_tiles_line_up_and_the_token_page_copies(page: Page, live_server, make_user):
    own_page_states(make_user("ada"))
    log_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/gallery/")
    boxes = page.locator(".tile-image").evaluate_all("(els) => els.map((e) => e.getBoundingClientRect().height)")
    assert len(boxes) == 7 and max(boxes) - min(boxes) < 1, boxes  # a portrait thumbnail among them
    tops = page.locator(".tile").evaluate_all("(els) => els.slice(0, 4).map((e) => e.getBoundingClientRect().height)")
    assert max(tops) - min(tops) < 1, tops  # the first row: tiles of one height

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Your new token").input_value()
    page.get_by_role("button", name="Copy the token").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == token
    example = page.locator("#api-example")
    assert example.evaluate("(e) => e.scrollWidth <= e.clientWidth")  # wrapped, nothing cut off
    page.get_by_role("button", name="Copy the example commands").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"TOKEN={token}\ncurl ") and copied.endswith('display?id=<id>"')
