"""The whole web flow in a real browser: sign up → upload (file input and drop) → preview → enhance →
progress → result → download → gallery → delete, with a screenshot of each page.

Screenshots go to a temporary folder; ``make screenshots`` writes them to docs/screenshots/ instead
(SCREENSHOTS_DIR), so a test run never changes tracked files."""

import base64

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

import mlcore
from enhance.models import Enhancement
from tests.e2e.helpers import photo_png, run_worker, shot

INVALID = "Invalid file type. Please upload a valid image."


def drop_files(page: Page, files: list[tuple[str, bytes]]) -> None:
    """Dispatch a synthetic drop event carrying ``files`` on the drop zone, as a dragged file would."""
    payload = [[name, base64.b64encode(data).decode()] for name, data in files]
    page.evaluate(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, b64] of files) {
                const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, { type: "image/png" }));
            }
            const zone = document.querySelector("[data-dropzone]");
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }""",
        payload,
    )


@pytest.mark.django_db(transaction=True)
def test_whole_flow_in_a_real_browser(page: Page, live_server, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    picture = photo_png()
    (tmp_path / "garden.png").write_bytes(picture)
    (tmp_path / "notes.png").write_text("this is not an image")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    shot(page, "login")
    page.get_by_role("link", name="Create an account").click()
    page.fill("#id_username", "ada")
    page.fill("#id_password1", "a long unusual pass")
    page.fill("#id_password2", "a long unusual pass")
    shot(page, "signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Make your photos sharper and larger")).to_be_visible()

    # Through the file input: the wrong file is refused in the browser with the server's words.
    expect(page.locator("[data-upload][data-ready]")).to_be_attached()  # upload.js listens before files are chosen
    page.set_input_files("#id_images", [str(tmp_path / "notes.png"), str(tmp_path / "garden.png")])
    expect(page.locator("[data-filelist] li.bad")).to_contain_text(INVALID)
    expect(page.locator("[data-filelist] li.good")).to_contain_text("garden.png")
    shot(page, "upload")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Enhance")).to_be_visible()
    assert Enhancement.objects.get().original_name == "garden.png"
    page.get_by_role("button", name="Change image").click()
    expect(page.get_by_role("heading", name="Make your photos sharper and larger")).to_be_visible()
    assert not Enhancement.objects.exists()

    # Through a drop event.
    drop_files(page, [("dropped garden.png", picture)])
    expect(page.locator("[data-filelist] li.good")).to_contain_text("dropped garden.png")
    page.get_by_role("button", name="Upload").click()

    # Preview: size, output sizes, model hint; then Enhance.
    expect(page.get_by_text("200×150 px")).to_be_visible()
    expect(page.get_by_text("400×300")).to_be_visible()
    expect(page.locator("[data-model-hint]")).not_to_be_empty()
    shot(page, "preview")
    page.get_by_role("button", name="Enhance", exact=True).click()

    # Queued (no worker yet), then the worker runs it and the result appears without a reload.
    expect(page.locator("[data-status-text]")).to_contain_text("position 1 in the queue")
    shot(page, "result-queued")
    page.evaluate("window.__sameDocument = true")
    run_worker()
    expect(page.locator("[data-compare]")).to_be_visible(timeout=30_000)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator(".badge-done").first).to_be_visible()
    page.locator("[data-slider]").focus()
    page.keyboard.press("ArrowLeft")  # the before/after slider works from the keyboard
    slider_pane = page.locator("[data-pane=slider]")
    assert slider_pane.evaluate("(el) => el.style.getPropertyValue('--pos')") == "49%"
    expect(page.locator(".slider-handle")).to_be_visible()
    shot(page, "result")
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.get_by_role("link", name="Download PNG")).to_be_in_viewport()
    page.set_viewport_size({"width": 1280, "height": 860})

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PNG").click()
    download = download_info.value
    model = mlcore.resolve_model("default", 2)[0]  # the page enhances with the default model
    assert download.suggested_filename == f"dropped garden_x2_{model}.png"
    with Image.open(download.path()) as result:
        assert (result.format, result.size) == ("PNG", (400, 300))

    page.get_by_role("link", name="Gallery").click()
    expect(page.locator(".tile")).to_have_count(1)
    expect(page.locator(".tile")).to_contain_text("dropped garden.png")
    shot(page, "gallery")

    page.locator(".tile").get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete this enhancement?")).to_be_visible()
    shot(page, "delete")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Nothing here yet")).to_be_visible()
    shot(page, "gallery-empty")
    assert not Enhancement.objects.exists()
