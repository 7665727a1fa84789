"""Throttles that hold: sign-in attempts per username and per address whatever X-Forwarded-For says, and
uploads counted alike on the page and the API."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from enhance.models import Enhancement
from enhance.throttles import client_address

pytestmark = pytest.mark.django_db
LOCKED = "Too many sign-in attempts. Please wait 15 minutes and try again."


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def login(client, username, password="wrong guess", forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers)


def test_200_logins_with_rotating_forwarded_for_get_at_most_the_limit_through(client, user, settings):
    codes = [login(client, "alice", forwarded_for=f"10.0.{i // 256}.{i % 256}").status_code for i in range(200)]
    assert codes.count(200) == settings.SRSITE_LOGIN_ATTEMPTS == 10  # the form's "wrong password"
    assert codes.count(429) == 190


def test_rotating_usernames_from_one_address_are_limited_too(client, settings):
    codes = [login(client, f"victim{i}", forwarded_for=f"192.0.2.{i}").status_code for i in range(50)]
    assert codes.count(200) == settings.SRSITE_LOGIN_ATTEMPTS


def test_locked_out_sign_in_says_why_even_with_the_right_password(client, user):
    for _ in range(10):
        login(client, "alice")
    response = login(client, "alice", password="correct horse battery")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_is_limited_too(client, user, settings):
    codes = []
    for i in range(15):
        response = client.post(
            "/admin/login/", {"username": "alice", "password": "guess"}, HTTP_X_FORWARDED_FOR=f"10.3.0.{i}"
        )
        codes.append(LOCKED in response.content.decode())
    assert codes == [False] * 10 + [True] * 5


def test_signing_in_often_never_locks_anyone_out(user):
    for _ in range(25):
        client = Client()
        assert login(client, "alice", password="correct horse battery").status_code == 302


def test_a_trusted_proxy_count_takes_the_address_the_proxy_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "10.0.0.1"  # default: no proxy trusted, the header ignored
    settings.SRSITE_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"  # what our proxy appended, not what the client wrote
    settings.SRSITE_TRUSTED_PROXIES = 2
    assert client_address(request) == "6.6.6.6"


def test_behind_a_trusted_proxy_one_username_is_still_limited(client, user, settings):
    settings.SRSITE_TRUSTED_PROXIES = 1
    codes = [login(client, "alice", forwarded_for=f"198.51.100.{i}").status_code for i in range(40)]
    assert codes.count(200) == 10


def test_token_endpoint_with_rotating_forwarded_for_gets_at_most_the_limit_through(user, settings):
    settings.SRSITE_TOKEN_RATE = "1000/min"  # the per-address rate aside: the sign-in limit alone
    client = APIClient()
    answers = [
        client.post("/api/auth/token/", {"username": "alice", "password": "guess"}, HTTP_X_FORWARDED_FOR=f"10.1.0.{i}")
        for i in range(200)
    ]
    assert [a.status_code for a in answers].count(400) == 10
    locked = answers[-1]
    assert (locked.status_code, locked.json()) == (429, {"error": LOCKED})
    assert int(locked["Retry-After"]) == 900


def test_upload_page_counts_each_file_against_the_upload_rate(client, user, make_upload, settings, media_files):
    settings.SRSITE_UPLOAD_RATE = "2/min"
    client.force_login(user)
    files = [make_upload(f"p{i}.png") for i in range(3)]
    response = client.post("/", {"images": files})
    assert Enhancement.objects.count() == 2 and len(media_files()) == 2
    page = client.get(response["Location"]).content.decode()
    assert "p2.png: Too many uploads (at most 2/min). Please try again in" in page
    again = client.post("/", {"images": [make_upload("late.png")]})
    assert again.status_code == 429 and "Too many uploads (at most 2/min)" in again.content.decode()
    assert Enhancement.objects.count() == 2


def test_token_rate_per_address_ignores_a_rotating_forwarded_for(user, settings):
    settings.SRSITE_TOKEN_RATE = "3/min"
    client = APIClient()
    codes = [
        client.post(
            "/api/auth/token/", {"username": f"u{i}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"10.2.0.{i}"
        ).status_code
        for i in range(6)
    ]
    assert codes == [400, 400, 400, 429, 429, 429]
