"""Pages: status codes, login required, owners only (another user's item is a 404), CSRF enforced."""

import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from PIL import Image

import mlcore
from enhance import messages, services
from enhance.models import Batch, Enhancement, Upload

pytestmark = pytest.mark.django_db
Status = Enhancement.Status


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def done(make_enhancement, run_jobs):
    enhancement = make_enhancement(name="holiday photo.png", size=(12, 8))
    with run_jobs():
        services.enhancement_queue(enhancement=enhancement, scale=2, model="default", quality_check=False)
    enhancement.refresh_from_db()
    return enhancement


def item_urls(pk):
    return [
        reverse("enhance:detail", args=[pk]),
        reverse("enhance:status", args=[pk]),
        reverse("enhance:download", args=[pk]),
        reverse("enhance:delete", args=[pk]),
        reverse("enhance:media", args=[pk, "original"]),
        reverse("enhance:media", args=[pk, "result"]),
        reverse("enhance:media", args=[pk, "thumbnail"]),
    ]


def test_every_page_needs_a_signed_in_user(client, done):
    for url in [reverse("enhance:upload"), reverse("enhance:gallery"), *item_urls(done.pk)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_another_users_enhancement_is_a_404_everywhere(client, make_user, done):
    client.force_login(make_user("mallory"))
    for url in item_urls(done.pk):
        assert client.get(url).status_code == 404, url
    for name in ("cancel", "retry", "rerun", "delete"):
        assert client.post(reverse(f"enhance:{name}", args=[done.pk])).status_code == 404, name
    assert Enhancement.objects.filter(pk=done.pk).exists()


def test_form_posts_without_csrf_token_are_refused(user, make_upload, done):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("enhance:upload"), {"images": make_upload()}).status_code == 403
    assert client.post(reverse("enhance:delete", args=[done.pk])).status_code == 403
    assert Enhancement.objects.count() == 1


def test_signup_creates_the_account_and_signs_in(client, django_user_model):
    response = client.post(
        reverse("signup"),
        {"username": "newbie", "email": "", "password1": "a long unusual pass", "password2": "a long unusual pass"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("enhance:upload")
    assert django_user_model.objects.filter(username="newbie").exists()
    assert client.get(reverse("enhance:upload")).status_code == 200


def test_auth_pages_render(client, signed_in):
    for name in ("password_change", "password_reset"):
        assert signed_in.get(reverse(name)).status_code == 200
    signed_in.post(reverse("logout"))
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("signup")).status_code == 200


def test_password_reset_sends_an_email(client, make_user):
    make_user("bob", email="bob@example.com")
    response = client.post(reverse("password_reset"), {"email": "bob@example.com"})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_upload_page_states_formats_and_limits(signed_in):
    page = signed_in.get(reverse("enhance:upload")).content.decode()
    assert "JPEG, PNG, WebP, BMP, TIFF, static GIF" in page and "25 MB" in page and "16 megapixels" in page
    assert "Invalid file type. Please upload a valid image." in page  # the browser's check uses these words


def test_upload_one_image_opens_its_preview(signed_in, make_upload):
    response = signed_in.post(reverse("enhance:upload"), {"images": make_upload("cat.png", size=(12, 8))})
    enhancement = Enhancement.objects.get()
    assert response["Location"] == reverse("enhance:detail", args=[enhancement.pk])
    page = signed_in.get(response["Location"]).content.decode()
    assert enhancement.status == Status.NEW
    assert "12×8 px" in page and "24×16" in page and "36×24" in page and "48×32" in page  # sizes per scale
    assert "Change image" in page and "Quality check" in page and "bicubic" in page


def test_upload_batch_keeps_good_files_and_lists_bad_ones(signed_in, make_upload):
    files = [make_upload("a.png"), make_upload("b.jpg", fmt="JPEG"), make_upload("notes.png", data=b"text")]
    response = signed_in.post(reverse("enhance:upload"), {"images": files}, follow=True)
    assert Enhancement.objects.count() == 2
    assert len({e.batch for e in Enhancement.objects.all()}) == 1
    page = response.content.decode()
    assert "notes.png: Invalid file type. Please upload a valid image." in page
    assert "Enhance all 2" in page


def test_upload_of_only_bad_files_is_a_400_with_the_messages(signed_in, make_upload):
    response = signed_in.post(reverse("enhance:upload"), {"images": [make_upload("x.png", data=b"%PDF-1.4")]})
    assert response.status_code == 400
    assert "Invalid file type. Please upload a valid image." in response.content.decode()
    assert not Enhancement.objects.exists()


def test_upload_without_a_file_says_so(signed_in):
    response = signed_in.post(reverse("enhance:upload"))
    assert response.status_code == 400 and "No file received." in response.content.decode()


def test_batch_enhance_all_queues_every_draft(signed_in, make_upload, run_jobs):
    signed_in.post(reverse("enhance:upload"), {"images": [make_upload("a.png"), make_upload("b.png")]})
    batch = Enhancement.objects.first().batch
    with run_jobs():
        signed_in.post(reverse("enhance:batch", args=[batch]), {"scale": "3", "model": "default"})
    assert list(Enhancement.objects.values_list("status", "result_width")) == [("done", 36), ("done", 36)]


def test_batch_refused_for_one_draft_queues_none_of_them(signed_in, make_upload):
    images = [make_upload("big.png", size=(40, 40)), make_upload("tiny.png", size=(12, 8))]
    signed_in.post(reverse("enhance:upload"), {"images": images})
    batch = Enhancement.objects.first().batch
    response = signed_in.post(
        reverse("enhance:batch", args=[batch]), {"scale": "2", "model": "default", "quality_check": "on"}
    )
    assert response.status_code == 400 and "at least 32×32 pixels" in response.content.decode()
    assert list(Enhancement.objects.values_list("status", flat=True)) == ["new", "new"]
    assert "Enhance all 2" in response.content.decode()


def test_preview_enhance_queues_and_shows_the_result_page(signed_in, make_enhancement, run_jobs):
    enhancement = make_enhancement(size=(12, 8))
    with run_jobs():
        response = signed_in.post(reverse("enhance:detail", args=[enhancement.pk]), {"scale": "4", "model": "default"})
    assert response.status_code == 302
    page = signed_in.get(response["Location"]).content.decode()
    enhancement.refresh_from_db()
    assert enhancement.status == Status.DONE
    assert "Download PNG" in page and "Before / after" in page and ">100%</button>" in page and "48×32" in page
    # The viewer shows the display-sized preview; the full result is only named for a zoom past fit.
    media = f"/enhancements/{enhancement.pk}/files"
    assert f'src="{media}/preview/"' in page and f'src="{media}/result/"' not in page


def test_quality_check_with_a_degraded_input_from_the_page(signed_in, make_enhancement, run_jobs):
    enhancement = make_enhancement(size=(48, 40))
    preview = signed_in.get(reverse("enhance:detail", args=[enhancement.pk])).content.decode()
    assert 'name="check_degradation"' in preview and '<option value="jpeg:50">JPEG quality 50</option>' in preview
    form = {"scale": "2", "model": "default", "quality_check": "on", "check_degradation": "jpeg:50"}
    with run_jobs():
        response = signed_in.post(reverse("enhance:detail", args=[enhancement.pk]), form)
    page = signed_in.get(response["Location"]).content.decode()
    enhancement.refresh_from_db()
    assert enhancement.status == Status.DONE and enhancement.check_model == "edsr_lite_jpeg_low"
    assert "the shrunk image as JPEG quality 50" in page and '<th scope="row">edsr_lite_jpeg_low</th>' in page
    assert '<option value="jpeg:50" selected>' in page  # the "run again" form keeps the choice


def test_preview_with_a_bad_check_degradation_stores_nothing(signed_in, make_enhancement):
    enhancement = make_enhancement()
    form = {"quality_check": "on", "check_degradation": "blur:2"}
    response = signed_in.post(reverse("enhance:detail", args=[enhancement.pk]), form)
    assert response.status_code == 400 and messages.CHECK_DEGRADATION in response.content.decode()
    enhancement.refresh_from_db()
    assert enhancement.status == Status.NEW


def test_preview_with_a_bad_scale_shows_the_spec_message(signed_in, make_enhancement):
    enhancement = make_enhancement()
    response = signed_in.post(reverse("enhance:detail", args=[enhancement.pk]), {"scale": "7"})
    assert response.status_code == 400 and "Scale must be one of 2, 3, 4." in response.content.decode()


def test_change_image_deletes_the_draft_and_returns_to_upload(
    signed_in, make_enhancement, media_files, django_capture_on_commit_callbacks
):
    enhancement = make_enhancement()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("enhance:delete", args=[enhancement.pk]))
    assert response["Location"] == reverse("enhance:upload")
    assert not Enhancement.objects.exists() and media_files() == []


def test_queued_result_page_shows_position_and_cancel(signed_in, make_enhancement, django_capture_on_commit_callbacks):
    enhancement = make_enhancement()
    with django_capture_on_commit_callbacks():  # never run: stays queued
        services.enhancement_queue(enhancement=enhancement, scale=2, model="default", quality_check=False)
    page = signed_in.get(reverse("enhance:detail", args=[enhancement.pk])).content.decode()
    assert "position 1 in the queue" in page and "Cancel" in page
    status = signed_in.get(reverse("enhance:status", args=[enhancement.pk])).json()
    assert status == {
        "id": enhancement.pk,
        "status": "queued",
        "progress": 0,
        "queue_position": 1,
        "seconds_left": 1,  # a 24×16 result: under a second, rounded up
        "time_left": "under a second left",
    }
    assert "under a second left" in page
    signed_in.post(reverse("enhance:cancel", args=[enhancement.pk]))
    page = signed_in.get(reverse("enhance:detail", args=[enhancement.pk])).content.decode()
    assert "This enhancement was cancelled." in page and "Try again" in page


def test_failed_result_page_shows_the_message_and_try_again(signed_in, make_enhancement):
    enhancement = make_enhancement()
    Enhancement.objects.filter(pk=enhancement.pk).update(status=Status.FAILED, error="RuntimeError: boom")
    page = signed_in.get(reverse("enhance:detail", args=[enhancement.pk])).content.decode()
    assert "Error occurred while upscaling the image, please try again!" in page and "Try again" in page
    assert "boom" not in page  # the cause is for staff


@pytest.mark.parametrize(
    ("export", "fmt", "name"), [("", "PNG", "png"), ("jpeg", "JPEG", "jpg"), ("webp", "WEBP", "webp")]
)
def test_download_is_named_after_the_original_in_each_format(signed_in, done, export, fmt, name):
    url = reverse("enhance:download", args=[done.pk]) + (f"?format={export}" if export else "")
    response = signed_in.get(url)
    assert response.status_code == 200
    model = mlcore.resolve_model("default", 2)[0]
    assert f'filename="holiday photo_x2_{model}.{name}"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (image.format, image.size) == (fmt, (24, 16))


def test_download_of_an_unknown_format_is_a_404(signed_in, done):
    assert signed_in.get(reverse("enhance:download", args=[done.pk]) + "?format=gif").status_code == 404


def test_media_served_to_the_owner_privately(signed_in, done):
    response = signed_in.get(reverse("enhance:media", args=[done.pk, "thumbnail"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert response["Cache-Control"].startswith("private")
    assert signed_in.get(reverse("enhance:media", args=[done.pk, "secret"])).status_code == 404
    assert signed_in.get("/media/" + done.original.name).status_code == 404  # never a public URL


@pytest.mark.parametrize(("fmt", "content_type"), [("GIF", "image/gif"), ("BMP", "image/bmp"), ("JPEG", "image/jpeg")])
def test_media_serves_each_accepted_original_with_its_image_type(signed_in, make_enhancement, fmt, content_type):
    enhancement = make_enhancement(name="upload.img", fmt=fmt)
    response = signed_in.get(reverse("enhance:media", args=[enhancement.pk, "original"]))
    assert (response.status_code, response["Content-Type"]) == (200, content_type)


def test_rerun_with_another_scale_opens_the_new_enhancement(signed_in, done, run_jobs):
    with run_jobs():
        response = signed_in.post(reverse("enhance:rerun", args=[done.pk]), {"scale": "3", "model": "bicubic"})
    new = Enhancement.objects.exclude(pk=done.pk).get()
    assert response["Location"] == reverse("enhance:detail", args=[new.pk])
    assert (new.status, new.scale, new.result_width) == (Status.DONE, 3, 36)


def test_gallery_empty_state(signed_in):
    page = signed_in.get(reverse("enhance:gallery")).content.decode()
    assert "Nothing here yet" in page and "Upload your first image" in page


def test_gallery_lists_own_items_newest_first_with_thumbnails_only(signed_in, done, make_enhancement, make_user):
    newer = make_enhancement(name="newer.png")
    make_enhancement(owner=make_user("someone"), name="not-mine.png")
    page = signed_in.get(reverse("enhance:gallery")).content.decode()
    assert page.index("newer.png") < page.index("holiday photo.png") and "not-mine.png" not in page
    assert reverse("enhance:media", args=[done.pk, "thumbnail"]) in page
    assert reverse("enhance:media", args=[done.pk, "result"]) not in page
    assert reverse("enhance:media", args=[newer.pk, "original"]) not in page


def test_gallery_is_paginated(signed_in, user):
    batch = Batch.objects.create(owner=user)
    uploads = Upload.objects.bulk_create(
        Upload(owner=user, file=f"originals/{i}.png", name=f"n{i}.png", bytes=1, format="PNG", width=1, height=1)
        for i in range(30)
    )
    Enhancement.objects.bulk_create(Enhancement(owner=user, batch=batch, upload=upload) for upload in uploads)
    first = signed_in.get(reverse("enhance:gallery")).content.decode()
    second = signed_in.get(reverse("enhance:gallery") + "?page=2").content.decode()
    assert "Page 1 of 2" in first and first.count('class="tile"') == 24 and second.count('class="tile"') == 6


def test_delete_asks_for_confirmation_then_removes_row_and_files(
    signed_in, done, media_files, django_capture_on_commit_callbacks
):
    page = signed_in.get(reverse("enhance:delete", args=[done.pk])).content.decode()
    assert "Delete this enhancement?" in page and Enhancement.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("enhance:delete", args=[done.pk]))
    assert response["Location"] == reverse("enhance:gallery")
    assert not Enhancement.objects.exists() and media_files() == []


@pytest.mark.parametrize("debug", [False, True])  # DEBUG: what `make run` serves
def test_upload_of_more_files_than_allowed_says_so_and_stores_nothing(
    debug, signed_in, make_upload, media_files, settings
):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [make_upload(f"{i}.png") for i in range(4)]
    response = signed_in.post(reverse("enhance:upload"), {"images": files})
    assert response.status_code == 400
    assert "Too many files at once. Please send at most 3 per upload." in response.content.decode()
    assert not Enhancement.objects.exists() and media_files() == []


@pytest.mark.parametrize(
    "referer, back",
    [
        ("http://testserver/gallery/?page=2", "/gallery/?page=2"),
        (
            "http://testserver/batch/4b4d1f9e-62c5-4a4e-9d2a-1c4b3d2e1f00/",
            "/batch/4b4d1f9e-62c5-4a4e-9d2a-1c4b3d2e1f00/",
        ),
        ("http://testserver/enhancements/{pk}/", "/enhancements/{pk}/"),
        (None, "/enhancements/{pk}/"),  # no Referer: the result page
        ("http://testserver/enhancements/{pk}/delete/", "/enhancements/{pk}/"),  # itself, reloaded
        ("https://evil.example/gallery/", "/enhancements/{pk}/"),
        ("http://testserver//evil.example/gallery/", "/enhancements/{pk}/"),
        ("http://testserver/\\evil.example/", "/enhancements/{pk}/"),
        ("javascript:alert(1)", "/enhancements/{pk}/"),
        ("http://[", "/enhancements/{pk}/"),
    ],
)
def test_keep_it_goes_back_where_the_person_came_from_on_this_site_only(signed_in, done, referer, back):
    headers = {} if referer is None else {"HTTP_REFERER": referer.format(pk=done.pk)}
    page = signed_in.get(reverse("enhance:delete", args=[done.pk]), **headers).content.decode()
    assert f'<a class="btn" href="{back.format(pk=done.pk)}">Keep it</a>' in page


def test_error_pages_are_the_sites_own_with_a_way_on(user, signed_in, make_upload, done, make_user):
    page = signed_in.get("/no-such-page/")
    assert page.status_code == 404 and messages.PAGE_NOT_FOUND in page.content.decode()
    other = Client()
    other.force_login(make_user("mallory"))
    page = other.get(reverse("enhance:detail", args=[done.pk]))
    assert page.status_code == 404 and messages.NO_SUCH_ENHANCEMENT in page.content.decode()
    stale = Client(enforce_csrf_checks=True)
    stale.force_login(user)
    page = stale.post(reverse("enhance:delete", args=[done.pk]))
    assert page.status_code == 403 and messages.FORM_EXPIRED in page.content.decode()
    for response in (signed_in.get("/no-such-page/"), page):
        html = response.content.decode()
        assert '<html lang="en">' in html and "Go to the start page" in html and "<style" not in html
    assert Enhancement.objects.filter(pk=done.pk).exists()


def test_the_api_pages_lead_back_to_the_site(signed_in):
    for url in ("/api/", "/api/docs/"):
        html = signed_in.get(url, HTTP_ACCEPT="text/html").content.decode()
        assert '<html lang="en' in html and "Back to srsite" in html and "<style" not in html, url


def test_a_refused_scale_says_why_in_visible_text(signed_in, make_enhancement, settings):
    settings.SRSITE_MAX_OUTPUT_MP = 1  # 300×300: ×3 makes 0.81 MP, ×4 makes 1.44 MP
    enhancement = make_enhancement(size=(300, 300))
    page = signed_in.get(reverse("enhance:detail", args=[enhancement.pk])).content.decode()
    why = messages.TOO_LARGE_OUTPUT.format(width=1200, height=1200, max_mp=1)
    assert f'<p class="help">×4 is off: {why}</p>' in page
    assert "×3 is off" not in page and "title=" not in page  # no longer only a hover tooltip
