"""The size, model and format controls before the run, in a real browser: the model list's times follow the
scale (and the scale a target needs), a target size shows what it makes, and the chosen format is the download."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Page, expect

import mlcore
from enhance import services
from enhance.models import Enhancement
from tests.e2e.helpers import log_in, photo_png, run_worker, shot, watch_console


@pytest.mark.django_db(transaction=True)
def test_target_size_and_format_chosen_before_the_run(page: Page, live_server, settings, make_user):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = make_user("ada")
    draft = services.enhancement_create(owner=user, upload=SimpleUploadedFile("garden.png", photo_png()))
    errors = watch_console(page)
    log_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/enhancements/{draft.pk}/")

    model = page.locator("[data-model-select]")
    best = model.locator("option[value=edsr_lite]")
    expect(best).to_have_text(best.get_attribute("data-label-2"))
    assert "for this image" in best.get_attribute("data-label-2")
    page.locator("label.segment", has_text="800×600").click()  # ×4
    expect(best).to_have_text(best.get_attribute("data-label-4"))

    # Fit width: the scale choice gives way to the width box; 700 px needs ×4 (×3 makes 600), then 700×525.
    page.get_by_text("Fit width").click()
    expect(page.locator("[data-fit-part=scale]")).to_be_hidden()
    expect(page.get_by_label("Height (px)")).to_be_hidden()
    page.get_by_label("Width (px)").fill("700")
    expect(page.locator("[data-target-result]")).to_have_text("700×525 px: the ×4 model's result, resized down.")
    expect(best).to_have_text(best.get_attribute("data-label-4"))

    # The quality check's input is asked for only once the check is ticked.
    expect(page.get_by_label("Quality check input")).to_be_hidden()
    page.get_by_role("checkbox", name="Quality check").check()
    expect(page.get_by_label("Quality check input")).to_be_visible()
    page.get_by_role("checkbox", name="Quality check").uncheck()
    expect(page.get_by_label("Quality check input")).to_be_hidden()

    expect(page.get_by_label("Quality (JPEG, WebP)")).to_be_hidden()
    page.get_by_label("Download as").select_option("jpeg")
    page.get_by_label("Quality (JPEG, WebP)").fill("80")
    shot(page, "preview-target-size")
    page.get_by_role("button", name="Enhance", exact=True).click()
    expect(page.locator("[data-status-time]")).to_contain_text("left")  # queued: the estimate is shown

    run_worker()
    expect(page.get_by_role("link", name="Download JPEG")).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download JPEG").click()
    download = download_info.value
    name = mlcore.resolve_model("default", 4)[0]
    assert download.suggested_filename == f"garden_700x525_{name}.jpg"
    with Image.open(io.BytesIO(open(download.path(), "rb").read())) as result:
        assert (result.format, result.size) == ("JPEG", (700, 525))
    job = Enhancement.objects.get()
    assert (job.scale, job.fit, job.target_width, job.output_format, job.output_quality) == (
        4,
        "width",
        700,
        "jpeg",
        80,
    )
    assert errors == []
