"""Markup that assistive technology and signed-out people rely on."""

import pytest

from enhance import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/password_reset/done/", "/accounts/reset/done/"])
def test_reset_pages_offer_log_in_to_a_signed_out_person(client, url):
    body = client.get(url).content.decode()
    assert 'href="/accounts/login/"' in body and "Go to upload" not in body


def test_flash_messages_stay_a_list_inside_a_live_region(client, user, make_enhancement):
    client.force_login(user)
    enhancement = make_enhancement()
    services.enhancement_queue(enhancement=enhancement, scale=2, model="bicubic", quality_check=False)
    body = client.post(f"/enhancements/{enhancement.pk}/cancel/", follow=True).content.decode()
    assert '<div role="status">' in body and '<li class="flash-success">Cancelled.</li>' in body
    assert '<ul class="flash" role=' not in body


def test_tile_shows_the_upload_thumbnail_before_a_result_and_is_named_by_it(client, user, make_enhancement):
    client.force_login(user)
    enhancement = make_enhancement(name="beach.png", size=(12, 8))
    body = client.get(f"/batch/{enhancement.batch}/").content.decode()
    thumbnail = f"/enhancements/{enhancement.pk}/files/original-thumbnail/"
    assert f'<img src="{thumbnail}" alt="Open beach.png" loading="lazy">' in body
    assert client.get(thumbnail)["Content-Type"] == "image/webp"
    assert 'aria-label="Open beach.png"' not in body
