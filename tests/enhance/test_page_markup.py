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


def test_tile_link_is_named_after_what_it_shows(client, user, make_enhancement):
    client.force_login(user)
    enhancement = make_enhancement(name="beach.png", size=(12, 8))
    body = client.get(f"/batch/{enhancement.batch}/").content.decode()
    assert '12×8<span class="visually-hidden"> — open beach.png</span>' in body
    assert 'aria-label="Open beach.png"' not in body
