"""The job through the real engine (tiny images): run, quality check, failure, cancel, retry, rerun, delete."""

import io

import numpy as np
import pytest
from PIL import Image

import mlcore
from enhance import rendering, services, tasks
from enhance.models import Batch, Enhancement, Upload
from enhance.validation import EnhancementError

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


def queue(enhancement, run_jobs, **options):
    options = {"scale": 2, "model": "default", "quality_check": False, **options}
    with run_jobs():
        services.enhancement_queue(enhancement=enhancement, **options)
    enhancement.refresh_from_db()
    return enhancement


def test_job_end_to_end_writes_result_thumbnail_and_preview(make_enhancement, run_jobs, media_files):
    enhancement = queue(make_enhancement(size=(12, 8)), run_jobs, scale=3)
    assert enhancement.status == Status.DONE
    assert (enhancement.progress, enhancement.attempts, enhancement.device) == (100, 1, "cpu")
    assert enhancement.model_resolved == mlcore.resolve_model("default", 3)[0] and enhancement.task_id
    assert enhancement.started_at <= enhancement.finished_at and enhancement.processing_seconds >= 0
    with enhancement.result.open("rb") as file, Image.open(file) as result:
        assert (result.format, result.size) == ("PNG", (36, 24))
    with enhancement.thumbnail.open("rb") as file, Image.open(file) as thumb:
        assert thumb.format == "WEBP" and max(thumb.size) <= 320
    with enhancement.preview.open("rb") as file, Image.open(file) as preview:
        assert (preview.format, preview.size) == ("WEBP", (36, 24))  # never enlarged
    assert enhancement.preview_bytes == enhancement.preview.size
    assert sorted(media_files()) == sorted(
        [enhancement.original.name, enhancement.result.name, enhancement.thumbnail.name, enhancement.preview.name]
    )


@pytest.mark.parametrize(
    ("mode", "fmt", "options", "result_mode"),
    [
        ("CMYK", "JPEG", {}, "RGB"),
        ("I;16", "PNG", {}, "L"),
        ("P", "PNG", {"transparency": 0}, "RGBA"),
        ("L", "PNG", {}, "L"),
    ],
    ids=["cmyk-jpeg", "16-bit-png", "palette-transparent-png", "grayscale"],
)
def test_job_handles_unusual_pixel_formats(make_enhancement, run_jobs, mode, fmt, options, result_mode):
    enhancement = queue(make_enhancement(name="odd", mode=mode, fmt=fmt, **options), run_jobs)
    assert enhancement.status == Status.DONE, enhancement.error
    with enhancement.result.open("rb") as file, Image.open(file) as result:
        assert (result.size, result.mode) == ((24, 16), result_mode)


def test_job_applies_exif_orientation(make_enhancement, run_jobs):
    exif = Image.Exif()
    exif[0x0112] = 6
    enhancement = queue(make_enhancement(name="phone.jpg", fmt="JPEG", size=(12, 8), exif=exif), run_jobs)
    assert (enhancement.result_width, enhancement.result_height) == (16, 24)


def test_quality_check_adds_psnr_and_ssim_to_the_normal_upscale(make_enhancement, run_jobs):
    upload = make_enhancement(size=(41, 34))
    plain = queue(make_enhancement(size=(41, 34)), run_jobs, scale=3, model="bicubic")
    checked = queue(upload, run_jobs, scale=3, model="bicubic", quality_check=True)
    assert checked.status == Status.DONE, checked.error
    assert checked.output_size == (checked.result_width, checked.result_height) == (123, 102)
    with plain.result.open("rb") as a, checked.result.open("rb") as b:  # the same image as without the check
        assert a.read() == b.read()
    # Measured on a separate restoration of the upload cropped to 39×33 (bicubic against itself).
    assert checked.psnr_model == pytest.approx(checked.psnr_bicubic) and checked.psnr_model > 20
    assert 0 < checked.ssim_model <= 1


@pytest.mark.parametrize(
    ("degradation", "restore", "routed"),
    [("clean", "auto", "edsr_lite"), ("jpeg:50", "auto", "edsr_lite_jpeg_low"), ("jpeg:50", "off", "edsr_lite")],
)
def test_quality_check_degrades_the_shrunk_image_and_routes_default_on_it(
    make_enhancement, run_jobs, degradation, restore, routed
):
    plain = queue(make_enhancement(size=(64, 48)), run_jobs, restore=restore)
    checked = queue(
        make_enhancement(size=(64, 48)), run_jobs, quality_check=True, check_degradation=degradation, restore=restore
    )
    assert checked.status == Status.DONE, checked.error
    assert (checked.check_degradation, checked.check_model) == (degradation, routed)
    with plain.result.open("rb") as a, checked.result.open("rb") as b:  # the upscale itself is as without it
        assert a.read() == b.read()
    # bicubic restored the same degraded image: a JPEG q50 of a smooth gradient loses against the clean one
    clean = queue(make_enhancement(size=(64, 48)), run_jobs, quality_check=True, model="bicubic")
    if degradation == "clean":
        assert checked.psnr_bicubic == pytest.approx(clean.psnr_bicubic)
    else:
        assert checked.psnr_bicubic < clean.psnr_bicubic - 0.5


def test_quality_check_refuses_an_output_past_the_limit(make_enhancement, settings):
    settings.SRSITE_MAX_OUTPUT_MP = 0.01
    with pytest.raises(EnhancementError, match="The result would be 123×102 pixels"):
        services.enhancement_queue(
            enhancement=make_enhancement(size=(41, 34)), scale=3, model="bicubic", quality_check=True
        )


def test_quality_check_refuses_a_tiny_image(make_enhancement):
    with pytest.raises(EnhancementError, match="at least 32×32"):
        services.enhancement_queue(
            enhancement=make_enhancement(size=(12, 8)), scale=2, model="default", quality_check=True
        )


def test_job_failure_is_marked_with_the_spec_message_cause_kept_and_no_partial_file(
    make_enhancement, run_jobs, media_files, caplog
):
    enhancement = make_enhancement()
    with enhancement.original.storage.open(enhancement.original.name, "wb") as file:
        file.write(b"corrupted on disk after the upload")
    enhancement = queue(enhancement, run_jobs)
    assert enhancement.status == Status.FAILED
    assert enhancement.error.startswith("UndecodableImageError: ")  # the typed error, its cause kept
    assert "UnidentifiedImageError" in enhancement.error
    assert not enhancement.result and media_files() == [enhancement.original.name]
    assert f"Enhancement {enhancement.pk} failed" in caplog.text


def test_job_that_cannot_be_queued_is_failed_not_left_waiting_forever(
    make_enhancement, run_jobs, media_files, monkeypatch, caplog
):
    class QueueDown:
        def enqueue(self, *args):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks, "enhancement_run_task", QueueDown())
    enhancement = queue(make_enhancement(), run_jobs)
    assert enhancement.status == Status.FAILED and enhancement.finished_at
    assert enhancement.error.startswith("Not queued: ConnectionError") and not enhancement.task_id
    assert media_files() == [enhancement.original.name]  # kept for "Try again"
    assert f"Enhancement {enhancement.pk} could not be queued" in caplog.text


def test_cancel_while_running_stops_at_the_next_tile_and_keeps_no_file(
    make_enhancement, run_jobs, media_files, monkeypatch
):
    enhancement = make_enhancement()
    real_upscale = rendering.upscale

    def cancel_then_upscale(image, *, on_progress, **options):
        def progress(done, total):
            Enhancement.objects.filter(pk=enhancement.pk).update(status=Status.CANCELLED)  # the user clicks Cancel
            on_progress(done, total)

        return real_upscale(image, on_progress=progress, **options)

    monkeypatch.setattr(rendering, "upscale", cancel_then_upscale)
    enhancement = queue(enhancement, run_jobs)
    assert enhancement.status == Status.CANCELLED
    assert not enhancement.result and media_files() == [enhancement.original.name]


def test_cancelled_queued_job_is_not_run(make_enhancement, django_capture_on_commit_callbacks):
    enhancement = make_enhancement()
    with django_capture_on_commit_callbacks() as callbacks:
        services.enhancement_queue(enhancement=enhancement, scale=2, model="default", quality_check=False)
    services.enhancement_cancel(enhancement=enhancement)
    for callback in callbacks:
        callback()
    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.attempts, enhancement.result.name) == (Status.CANCELLED, 0, "")


def test_cancel_of_a_finished_job_is_refused(make_enhancement, run_jobs):
    enhancement = queue(make_enhancement(), run_jobs)
    with pytest.raises(EnhancementError) as caught:
        services.enhancement_cancel(enhancement=enhancement)
    assert caught.value.status == 409


def test_retry_after_failure_runs_the_job_again(make_enhancement, run_jobs, make_image_bytes):
    enhancement = make_enhancement()
    good = enhancement.original.read()
    enhancement.original.close()
    with enhancement.original.storage.open(enhancement.original.name, "wb") as file:
        file.write(b"broken")
    enhancement = queue(enhancement, run_jobs)
    assert enhancement.status == Status.FAILED
    with enhancement.original.storage.open(enhancement.original.name, "wb") as file:
        file.write(good)
    with run_jobs():
        services.enhancement_retry(enhancement=enhancement)
    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.error, enhancement.attempts) == (Status.DONE, "", 1)


def test_retry_of_a_done_job_is_refused(make_enhancement, run_jobs):
    with pytest.raises(EnhancementError, match="failed or cancelled"):
        services.enhancement_retry(enhancement=queue(make_enhancement(), run_jobs))


def test_rerun_makes_a_new_enhancement_of_the_same_upload_without_copying_it(make_enhancement, run_jobs, media_files):
    first = queue(make_enhancement(size=(12, 8)), run_jobs)
    with run_jobs():
        second = services.enhancement_rerun(enhancement=first, scale=4, model="bicubic", quality_check=False)
    second.refresh_from_db()
    assert second.pk != first.pk and second.upload_id == first.upload_id and second.batch_id != first.batch_id
    assert (second.status, second.result_width, second.result_height) == (Status.DONE, 48, 32)
    assert len(media_files()) == 7  # one original, two results, two thumbnails, two previews


def test_deleting_a_run_keeps_the_upload_until_its_last_run_goes(
    make_enhancement, run_jobs, media_files, django_capture_on_commit_callbacks
):
    first = queue(make_enhancement(), run_jobs)
    with run_jobs():
        second = services.enhancement_rerun(enhancement=first, scale=3, model="default", quality_check=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.enhancement_delete(enhancement=first)
    second.refresh_from_db()
    assert Upload.objects.count() == 1
    kept = [second.original.name, second.result.name, second.thumbnail.name, second.preview.name]
    assert sorted(media_files()) == sorted(kept)
    with django_capture_on_commit_callbacks(execute=True):
        services.enhancement_delete(enhancement=second)
    assert (Upload.objects.count(), Batch.objects.count(), media_files()) == (0, 0, [])


def test_delete_removes_the_row_and_every_file(
    make_enhancement, run_jobs, media_files, django_capture_on_commit_callbacks
):
    enhancement = queue(make_enhancement(), run_jobs)
    with django_capture_on_commit_callbacks(execute=True):
        services.enhancement_delete(enhancement=enhancement)
    assert not Enhancement.objects.exists() and not Upload.objects.exists() and media_files() == []


def test_deleting_an_account_deletes_its_files(
    make_enhancement, run_jobs, media_files, user, django_capture_on_commit_callbacks
):
    queue(make_enhancement(), run_jobs)
    make_enhancement()
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert media_files() == [] and not (Upload.objects.exists() or Batch.objects.exists())


def test_default_restores_a_compressed_jpeg_and_says_why(make_enhancement, run_jobs, restoring_zoo):
    jpeg = queue(make_enhancement(name="web.jpg", fmt="JPEG", size=(24, 16), quality=40), run_jobs)
    assert jpeg.status == Status.DONE, jpeg.error
    assert (jpeg.model_resolved, jpeg.restoring, jpeg.jpeg_quality) == ("espcn_restore", True, 40)
    assert jpeg.weights_hash == mlcore.resolve_model("espcn_restore", 2)[1]
    assert jpeg.model_note == "Photo model — JPEG quality ≈ 40 detected"
    png = queue(make_enhancement(name="clean.png", size=(24, 16)), run_jobs)
    assert (png.model_resolved, png.restoring, png.jpeg_quality) == ("edsr_lite", False, None)
    assert png.model_note == "Clean model — no compression or noise detected"


def test_restore_off_and_strong_are_obeyed(make_enhancement, run_jobs, restoring_zoo):
    off = queue(make_enhancement(name="web.jpg", fmt="JPEG", quality=40), run_jobs, restore="off")
    assert (off.model_resolved, off.restoring, off.model_note) == ("edsr_lite", False, "Clean model — restoration off")
    strong = queue(make_enhancement(name="clean.png"), run_jobs, restore="strong")
    assert strong.restoring and strong.model_note == "Photo model — restoration set to strong"
    named = queue(make_enhancement(name="web.jpg", fmt="JPEG", quality=40), run_jobs, model="srcnn")
    assert (named.model_resolved, named.restoring, named.model_note) == ("srcnn", False, "")


def test_unknown_restore_mode_is_refused_and_nothing_changes(make_enhancement):
    enhancement = make_enhancement()
    with pytest.raises(EnhancementError, match=r"Restore must be one of auto, off, strong\."):
        services.enhancement_queue(enhancement=enhancement, scale=2, model="default", quality_check=False, restore="x")
    enhancement.refresh_from_db()
    assert (enhancement.status, enhancement.restore) == (Status.NEW, "auto")


def test_a_noisy_png_goes_to_the_noise_model_and_says_so(make_enhancement, run_jobs, declare_role):
    declare_role("denoising", {"2": "espcn"})  # any model with ×2 weights stands in for the noise model
    smooth = np.full((48, 64, 3), 128.0) + np.linspace(0, 60, 64)[None, :, None]
    noisy = np.clip(smooth + np.random.default_rng(0).normal(0, 12, smooth.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy).save(buffer, "PNG")
    enhancement = queue(make_enhancement(name="noisy.png", data=buffer.getvalue()), run_jobs)
    assert (enhancement.model_resolved, enhancement.restoring) == ("espcn", True), enhancement.error
    assert enhancement.model_note == f"Noise model — noise ≈ {enhancement.noise_sigma:.0f} detected"
    assert enhancement.noise_sigma >= 7.5


def test_a_heavily_compressed_jpeg_goes_to_the_jpeg_model_and_says_so(make_enhancement, run_jobs, declare_role):
    declare_role("jpeg", {"2": "fsrcnn"})  # any model with ×2 weights stands in for the JPEG model

    def run(quality):
        upload = make_enhancement(name=f"q{quality}.jpg", size=(64, 48), fmt="JPEG", quality=quality)
        enhancement = queue(upload, run_jobs)
        assert enhancement.status == Status.DONE, enhancement.error
        return enhancement

    heavy = run(50)
    assert (heavy.model_resolved, heavy.model_note) == ("fsrcnn", "JPEG model — JPEG quality ≈ 50 detected")
    declare_role("jpeg", {})  # the zoo changes its roles later: a finished result still says why it ran as it did
    assert Enhancement.objects.get(pk=heavy.pk).model_note == heavy.model_note
    light = run(85)  # without a JPEG model the photo model takes it
    assert (light.model_resolved, light.model_note) == ("espcn_restore", "Photo model — JPEG quality ≈ 85 detected")
