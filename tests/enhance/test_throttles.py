"""Throttles that hold: sign-in, password reset and sign-up attempts per address and per name whatever
X-Forwarded-For says, and uploads counted alike on the page and the API."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
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
    assert codes.count(200) == settings.SRSITE_LOGIN_ADDRESS_ATTEMPTS == 30


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
    codes = [login(client, "alice", forwarded_for=f"198.51.{i // 250}.{i % 250}").status_code for i in range(150)]
    assert codes.count(200) == settings.SRSITE_LOGIN_USER_ATTEMPTS == 100  # from everywhere together


def test_an_attacker_at_one_address_cannot_lock_a_person_out(user, settings):
    settings.SRSITE_TRUSTED_PROXIES = 1
    attacker = Client()
    codes = [login(attacker, "alice", forwarded_for="203.0.113.66").status_code for _ in range(60)]
    assert codes.count(200) == 10 and codes.count(429) == 50
    assert login(Client(), "alice", "correct horse battery", forwarded_for="198.51.100.7").status_code == 302


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


RESET_LOCKED = "Too many password reset requests. Please wait 15 minutes and try again."
SIGN_UP_LOCKED = "Too many sign-up attempts. Please wait 15 minutes and try again."


def reset(client, email, forwarded_for):
    return client.post("/accounts/password_reset/", {"email": email}, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_password_reset_with_rotating_forwarded_for_gets_at_most_the_limit_through(client, make_user, settings):
    make_user("bob", email="bob@example.com")
    answers = [reset(client, f"someone{i}@example.com", f"10.4.0.{i}") for i in range(100)]
    assert [a.status_code for a in answers].count(302) == settings.SRSITE_RESET_ATTEMPTS == 5  # "e-mail sent"
    assert answers[-1].status_code == 429 and RESET_LOCKED in answers[-1].content.decode()
    assert reset(client, "bob@example.com", "10.4.1.1").status_code == 429  # the address is locked for any e-mail
    assert mail.outbox == []


def test_password_reset_mail_to_one_person_is_limited_from_many_addresses(client, make_user, settings):
    settings.SRSITE_TRUSTED_PROXIES = 1
    make_user("bob", email="bob@example.com")
    codes = [
        reset(client, "Bob@Example.com" if i % 2 else "bob@example.com", f"198.51.{i}.9").status_code for i in range(20)
    ]
    assert codes == [302] * 5 + [429] * 15
    assert len(mail.outbox) == 5
    assert reset(client, "carol@example.com", "198.51.200.9").status_code == 302  # others are not held up


def test_sign_up_with_rotating_forwarded_for_gets_at_most_the_limit_through(client, settings):
    codes = []
    for i in range(40):
        fields = {"username": f"new{i}", "password1": "a long pass phrase 7", "password2": "a long pass phrase 7"}
        codes.append(Client().post("/accounts/signup/", fields, HTTP_X_FORWARDED_FOR=f"10.5.0.{i}").status_code)
    assert codes.count(302) == settings.SRSITE_SIGNUP_ATTEMPTS == 10 and codes.count(429) == 30
    assert User.objects.count() == 10
    refused = client.post("/accounts/signup/", {"username": "late"}, HTTP_X_FORWARDED_FOR="10.5.1.1")
    assert refused.status_code == 429 and SIGN_UP_LOCKED in refused.content.decode()
    assert not User.objects.filter(username="late").exists()
