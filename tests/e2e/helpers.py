"""What several browser tests do: a photo-like picture, signing in, and collecting console errors."""

import io
import os
import tempfile
import uuid
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from enhance import services

# The database queue: with no worker running, queued jobs wait until a test runs `db_worker`.
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def photo_png(size=(200, 150)) -> bytes:
    """A small picture with edges and colour, so the pages look like they would with a photo."""
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [
            (40 + x * 150 // width, 90 + y * 120 // height, 200 - x * 80 // width)
            for y in range(height)
            for x in range(width)
        ]
    )
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 110, 110), fill=(250, 200, 60), outline=(120, 60, 0), width=3)
    draw.rectangle((120, 60, 185, 135), fill=(30, 60, 120), outline=(255, 255, 255), width=2)
    draw.line((0, 140, 200, 100), fill=(255, 255, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# Screenshots go to a temporary folder; ``make screenshots`` writes them to docs/screenshots/ instead.
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="srsite-screenshots-"))


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base_url: str, username: str, password: str = "correct horse battery") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Gallery")).to_be_visible()


def watch_console(page: Page) -> list[str]:
    """A list that fills with the page's console errors and uncaught exceptions."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def queued_batch(owner, uploads) -> tuple[uuid.UUID, list]:
    """``uploads`` as one batch of ``owner``'s, queued for ×2 bicubic (the upload page's batch, then its form)."""
    batch = uuid.uuid4()
    items = [services.enhancement_create(owner=owner, upload=upload, batch=batch) for upload in uploads]
    services.enhancement_queue_batch(enhancements=items, scale=2, model="bicubic", quality_check=False)
    return batch, items
