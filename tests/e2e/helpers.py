"""What several browser tests do: a photo-like picture, signing in, and collecting console errors."""

import io
import os
import tempfile
import uuid
from pathlib import Path

from django.core.management import call_command
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from enhance import services

# The database queue: with no worker running, queued jobs wait until a test runs `db_worker`.
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker() -> None:
    """A separate worker draining the database queue, as ``make run`` starts beside the web server.

    It runs in this thread (db_worker installs signal handlers); the browser keeps polling meanwhile.
    """
    call_command("db_worker", batch=True, reload=False, startup_delay=False)


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


def shot(page: Page, name: str, full_page: bool = True) -> None:
    """The page, whole; ``full_page=False``: the viewport only (a whole-page capture resizes the viewport,
    which drops chromium's touch emulation for that moment)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def log_in(page: Page, base_url: str, username: str, password: str = "correct horse battery") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-nav")).to_be_attached()  # signed in (on a phone the nav is folded away)


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


AXE = Path(__file__).parent / "axe" / "axe.min.js"  # axe-core, vendored (tests/e2e/axe/README.md)
SERIOUS = ("serious", "critical")


def load_axe(page: Page) -> None:
    """Every document the page opens from now on carries axe-core; an init script runs outside the site's
    Content-Security-Policy, so the page's own rules stay as strict as they are."""
    page.context.add_init_script(path=str(AXE))


def axe_violations(page: Page, impacts=SERIOUS) -> list[str]:
    """axe-core's violations of ``impacts`` on the page as it is now, one line each with up to three of the
    elements it names; the page must have been opened after ``load_axe``."""
    found = page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " — " + n.failureSummary.split("\\n")[1]),
        }))"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {'; '.join(v['nodes'])}" for v in found if v["impact"] in impacts
    ]


def own_page_states(owner) -> dict[str, str]:
    """The paths of ``owner``'s page states, made through the real services (the test's task backend runs a
    queued job at once, with the real engine): a draft (preview), a done job with a portrait and one with a
    landscape picture, a running and a failed job, and a batch of two drafts."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from enhance import services
    from enhance.models import Enhancement

    def create(name, size=(200, 150), **options):
        upload = SimpleUploadedFile(name, photo_png(size), content_type="image/png")
        return services.enhancement_create(owner=owner, upload=upload, **options)

    done = create("garden.png", queue=True)
    create("tall tower.png", size=(90, 160), queue=True)  # a portrait thumbnail among landscape ones
    running, failed = create("running.png"), create("failed.png")
    Enhancement.objects.filter(pk=running.pk).update(
        status=Enhancement.Status.RUNNING,
        progress=40,
        started_at=timezone.now(),
        lease_expires_at=timezone.now() + timezone.timedelta(hours=1),
    )
    Enhancement.objects.filter(pk=failed.pk).update(status=Enhancement.Status.FAILED, error="test: a failed job")
    draft = create("draft.png")
    batch = create("batch one.png").batch_id
    create("batch two.png", size=(120, 160), batch=batch)
    detail = "/enhancements/{}/"
    return {
        "upload": "/",
        "preview": detail.format(draft.pk),
        "result (done)": detail.format(done.pk),
        "result (running)": detail.format(running.pk),
        "result (failed)": detail.format(failed.pk),
        "batch": f"/batch/{batch}/",
        "gallery": "/gallery/",
        "account": "/account/",
        "delete": f"/enhancements/{done.pk}/delete/",
    }
