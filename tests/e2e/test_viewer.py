"""The result page's comparison viewer in chromium, on a real finished job (a 400×300 photo ×4 → 1600×1200):
what its first paint transfers, the full result loaded only once zoomed, zoom by buttons, wheel and keys,
panning linked across panes, labels on screen, Download in view. Screenshots: viewer-zoomed-*.png.

The transferred bytes are printed (``-s``): ``pytest tests/e2e/test_viewer.py -s``."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from enhance import services
from enhance.models import Enhancement
from tests.e2e.helpers import log_in, photo_png, shot

FIRST_PAINT_LIMIT = 1_500_000  # bytes: the target for a 1600×1200 ×4 result


def grainy_photo(size=(400, 300)) -> bytes:
    """A photo-like picture with sensor grain: what makes a PNG result large, as a real photo does."""
    with Image.open(io.BytesIO(photo_png(size))) as picture:
        grain = Image.merge("RGB", [Image.effect_noise(size, sigma) for sigma in (24, 30, 36)])
        buffer = io.BytesIO()
        Image.blend(picture.convert("RGB"), grain, 0.25).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def result_url(live_server, make_user, make_upload, page: Page):
    """A job run through the real worker path (ImmediateBackend, fsrcnn ×4), signed in, its page's URL."""
    owner = make_user("ada")
    enhancement = services.enhancement_create(owner=owner, upload=make_upload("grain.png", data=grainy_photo()))
    services.enhancement_queue(enhancement=enhancement, scale=4, model="fsrcnn", quality_check=False)
    enhancement.refresh_from_db()
    assert enhancement.status == Enhancement.Status.DONE, enhancement.error
    assert (enhancement.result_width, enhancement.result_height) == (1600, 1200)
    log_in(page, live_server.url, "ada")
    return f"{live_server.url}/enhancements/{enhancement.pk}/"


def stage_vars(page: Page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        "(el) => Object.fromEntries(['--s', '--tx', '--ty'].map((n) => [n, getComputedStyle(el).getPropertyValue(n)]))"
    )


def image_offset(page: Page, stage_selector: str, img_selector: str = "img") -> list[float]:
    """Where the image's box lies inside its stage, in CSS px: equal offsets mean the same region shown."""
    return page.locator(stage_selector).evaluate(
        f"""(stage) => {{
            const s = stage.getBoundingClientRect(), i = stage.querySelector({img_selector!r}).getBoundingClientRect();
            return [i.left - s.left, i.top - s.top, i.width, i.height].map((v) => Math.round(v * 100) / 100);
        }}"""
    )


@pytest.mark.django_db(transaction=True)
def test_first_paint_is_small_and_zooming_loads_the_full_result(page: Page, result_url):
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto("about:blank")  # nothing of the sign-in page is still loading when counting starts
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(result_url, wait_until="networkidle")
    expect(page.locator("[data-compare] img[data-after]").first).to_have_js_property("complete", True)

    # Each response's body as it came over the wire (cache off: everything is fetched) plus its headers.
    sizes = {r.url: len(r.response().body()) + max(r.sizes()["responseHeadersSize"], 0) for r in finished}
    transferred = sum(sizes.values())
    print(f"\nfirst paint: {len(sizes)} responses, {transferred:,} bytes")
    for url, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {size:>10,}  {url}")
    # the full PNG and the original wait for a zoom: the display images are shown at fit
    assert not [url for url in sizes if "/files/result/" in url or "/files/original/" in url]
    assert any("/files/preview/" in url for url in sizes) and any("/files/original-display/" in url for url in sizes)
    assert transferred <= FIRST_PAINT_LIMIT

    with page.expect_response(lambda response: "/files/result/" in response.url) as full:
        page.get_by_role("button", name="100%").click()
    full_bytes = len(full.value.body())
    print(f"full result on zoom: {full_bytes:,} bytes")
    assert full_bytes > transferred  # what the page used to load on its first paint
    after = page.locator("[data-pane=slider] img[data-after]")
    expect(after).to_have_js_property("complete", True)
    assert "/files/result/" in after.evaluate("(img) => img.currentSrc")
    before = page.locator("[data-pane=slider] img[data-before]")
    expect(before).to_have_js_property("complete", True)
    assert "/files/original/" in before.evaluate("(img) => img.currentSrc")  # a PNG: the browser draws it


@pytest.mark.django_db(transaction=True)
def test_zoom_by_buttons_wheel_and_keys(page: Page, result_url):
    page.goto(result_url)
    stage = "[data-pane=slider]"
    fit = float(stage_vars(page, stage)["--s"])
    assert 0 < fit < 1  # 1600 px shown in a ~1,100 px card
    expect(page.locator("[data-zoom-readout]")).to_have_text(f"Fit · {round(fit * 100)}%")

    page.get_by_role("button", name="200%").click()
    assert float(stage_vars(page, stage)["--s"]) == 2
    expect(page.get_by_role("button", name="200%")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-zoom-readout]")).to_have_text("200%")
    page.get_by_role("button", name="Fit").click()
    assert float(stage_vars(page, stage)["--s"]) == fit

    # The wheel steps fit → 100 % → 200 % and back, around the pointer; at fit the page scrolls on.
    box = page.locator(stage).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -100)
    expect(page.locator("[data-zoom-readout]")).to_have_text("100%")
    page.mouse.wheel(0, -100)
    expect(page.locator("[data-zoom-readout]")).to_have_text("200%")
    page.mouse.wheel(0, 100)
    page.mouse.wheel(0, 100)
    expect(page.locator("[data-zoom-readout]")).to_have_text(f"Fit · {round(fit * 100)}%")

    # Keys on the viewer, reached with Tab: its focus ring shows; + zooms in, arrows look around, 0 fits.
    page.get_by_role("button", name="400%").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.pane") == "slider"
    assert page.locator(stage).evaluate("(el) => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("+")
    page.keyboard.press("+")
    page.keyboard.press("+")
    expect(page.locator("[data-zoom-readout]")).to_have_text("400%")
    before = stage_vars(page, stage)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    moved = stage_vars(page, stage)
    assert float(moved["--tx"].removesuffix("px")) < float(before["--tx"].removesuffix("px"))
    assert float(moved["--ty"].removesuffix("px")) < float(before["--ty"].removesuffix("px"))
    page.keyboard.press("0")
    expect(page.locator("[data-zoom-readout]")).to_have_text(f"Fit · {round(fit * 100)}%")

    # The slider (next in the tab order) still moves the divider by key, with its handle's focus ring visible.
    page.keyboard.press("Tab")
    expect(page.locator("[data-slider]")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    assert page.locator(stage).evaluate("(el) => el.style.getPropertyValue('--pos')") == "49%"
    handle = page.locator("[data-handle]")
    assert handle.evaluate("(el) => getComputedStyle(el).outlineStyle") == "solid"
    # No style attribute in the markup (the CSP forbids them): the script writes custom properties (CSSOM).
    assert "style=" not in page.request.get(result_url).text()


@pytest.mark.django_db(transaction=True)
def test_panning_moves_every_pane_together_and_labels_stay_on_screen(page: Page, result_url):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(result_url)
    expect(page.get_by_role("link", name="Download PNG")).to_be_in_viewport()

    # Slider: zoomed in, a drag pans both layers (original and result) as one.
    page.get_by_role("button", name="200%").click()
    slider = "[data-pane=slider]"
    start = image_offset(page, slider, "img.after")
    box = page.locator(slider).bounding_box()
    x, y = box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5  # away from the divider
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 80, steps=4)
    page.mouse.up()
    dragged = image_offset(page, slider, "img.after")
    assert dragged != start and dragged[0] == pytest.approx(start[0] + 120, abs=1)
    assert image_offset(page, slider, ".before-layer img") == dragged
    assert page.locator(slider).evaluate("(el) => el.style.getPropertyValue('--pos')") in ("", "50%")  # not moved
    shot(page, "viewer-zoomed-slider")

    # Side by side keeps the zoom and the region; a drag on either pane moves both.
    page.get_by_role("button", name="Side by side").click()
    left, right = "[data-pane=side] figure:first-child .stage", "[data-pane=side] figure:last-child .stage"
    assert image_offset(page, left) == image_offset(page, right)
    shot(page, "viewer-zoomed-side")
    box = page.locator(right).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2 - 60, steps=4)
    page.mouse.up()
    assert image_offset(page, left) == image_offset(page, right) != dragged

    # At 400 % every label is inside its pane and on screen.
    page.get_by_role("button", name="400%").click()
    for label in page.locator("[data-pane=side] .tag").all():
        expect(label).to_be_in_viewport()
        assert label.evaluate(
            """(tag) => { const t = tag.getBoundingClientRect(), s = tag.parentElement.getBoundingClientRect();
                return t.left >= s.left && t.right <= s.right && t.top >= s.top && t.bottom <= s.bottom; }"""
        )
    expect(page.get_by_role("link", name="Download PNG")).to_be_in_viewport()


def touch_gesture(page: Page, frames: list[list[tuple[float, float]]]) -> None:
    """Fingers at the points of each frame in turn (first frame: they land; then they move; then they
    lift), as chromium's touch input (pointer events of type touch)."""
    cdp = page.context.new_cdp_session(page)
    for n, frame in enumerate(frames):
        points = [{"x": x, "y": y, "id": finger} for finger, (x, y) in enumerate(frame)]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove" if n else "touchStart", "touchPoints": points})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def touch_drag(page: Page, start: tuple[float, float], end: tuple[float, float], steps: int = 5) -> None:
    """One finger from ``start`` to ``end``."""
    path = [
        (start[0] + (end[0] - start[0]) * n / steps, start[1] + (end[1] - start[1]) * n / steps)
        for n in range(steps + 1)
    ]
    touch_gesture(page, [[point] for point in path])


@pytest.mark.browser_context_args(has_touch=True, is_mobile=False)
@pytest.mark.django_db(transaction=True)
def test_touch_drags_the_divider_and_pans_when_zoomed(page: Page, result_url):
    page.goto(result_url)
    stage = "[data-pane=slider]"
    box = page.locator(stage).bounding_box()
    middle = box["y"] + box["height"] / 2
    touch_drag(page, (box["x"] + box["width"] / 2, middle), (box["x"] + box["width"] / 4, middle))
    position = page.locator(stage).evaluate("(el) => parseFloat(el.style.getPropertyValue('--pos'))")
    assert position == pytest.approx(25, abs=1)

    page.get_by_role("button", name="200%").click()
    start = image_offset(page, stage, "img.after")
    touch_drag(page, (box["x"] + box["width"] * 0.75, middle), (box["x"] + box["width"] * 0.75 - 100, middle - 40))
    moved = image_offset(page, stage, "img.after")
    assert moved[:2] == [pytest.approx(start[0] - 100, abs=1), pytest.approx(start[1] - 40, abs=1)]
    assert image_offset(page, stage, ".before-layer img") == moved


def stage_point(page: Page, selector: str, x: float, y: float) -> list[float]:
    """The image point (result pixels) drawn at page point (x, y) of the stage."""
    return page.locator(selector).evaluate(
        """(stage, [x, y]) => { const b = stage.getBoundingClientRect(), st = getComputedStyle(stage);
            const s = parseFloat(st.getPropertyValue('--s'));
            return [(x - b.left - parseFloat(st.getPropertyValue('--tx'))) / s,
                    (y - b.top - parseFloat(st.getPropertyValue('--ty'))) / s]; }""",
        [x, y],
    )


@pytest.mark.browser_context_args(has_touch=True, is_mobile=False)
@pytest.mark.django_db(transaction=True)
def test_two_fingers_pinch_zoom_around_the_point_between_them(page: Page, result_url):
    page.goto(result_url)
    stage = "[data-pane=slider]"
    box = page.locator(stage).bounding_box()
    cx, cy = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5
    fit = float(stage_vars(page, stage)["--s"])
    anchor = stage_point(page, stage, cx, cy)

    def pinch(halves) -> None:  # two fingers ``half`` px left and right of (cx, cy), frame by frame
        touch_gesture(page, [[(cx - half, cy), (cx + half, cy)] for half in halves])

    pinch((40, 50, 60, 70, 80))  # the fingers spread from 80 to 160 px apart: twice the zoom
    assert float(stage_vars(page, stage)["--s"]) == pytest.approx(2 * fit, rel=0.02)
    assert stage_point(page, stage, cx, cy) == [pytest.approx(anchor[0], abs=1), pytest.approx(anchor[1], abs=1)]
    expect(page.locator("[data-compare]")).to_have_class(re.compile(r"\bzoomed\b"))
    expect(page.locator("[data-zoom-readout]")).to_have_text(f"{round(200 * fit)}%")
    # Pinching in again stops at fit.
    pinch((80, 60, 40, 20, 10))
    assert float(stage_vars(page, stage)["--s"]) == pytest.approx(fit, rel=0.001)
    expect(page.locator("[data-zoom-readout]")).to_contain_text("Fit")
