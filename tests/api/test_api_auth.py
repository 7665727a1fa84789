"""Token and session auth, the token endpoint, and the /account/ page that shows, creates and revokes it."""

import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enhance import tokens

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("post", "/upload_img"),
    ("get", "/display"),
    ("get", "/display?id=1"),
    ("get", "/api/"),
    ("get", "/api/enhancements/"),
    ("get", "/api/enhancements/1/"),
    ("delete", "/api/enhancements/1/"),
    ("post", "/api/enhancements/1/cancel/"),
    ("post", "/api/enhancements/1/retry/"),
    ("post", "/api/enhancements/1/rerun/"),
    ("post", "/api/enhancements/1/queue/"),
    ("get", "/api/models/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_requests_are_401s_in_the_error_shape(method, url):
    response = getattr(APIClient(), method)(url)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json() == {"error": "Authentication credentials were not provided."}


def test_a_bad_token_is_a_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/enhancements/")
    assert (response.status_code, response.json()) == (401, {"error": "Invalid token."})


def test_token_endpoint_gives_a_new_token_that_works_and_stores_only_its_digest(user):
    response = APIClient().post("/api/auth/token/", {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 200 and set(response.json()) == {"token"}
    key = response.json()["token"]
    assert Token.objects.get(user=user).key == tokens.digest(key) != key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/enhancements/").status_code == 200
    again = APIClient().post("/api/auth/token/", {"username": "alice", "password": "correct horse battery"})
    assert client.get("/api/enhancements/").status_code == 401  # a new token replaces the old one
    client.credentials(HTTP_AUTHORIZATION=f"Token {again.json()['token']}")
    assert client.get("/api/enhancements/").status_code == 200


def test_the_stored_digest_itself_is_no_token(user):
    tokens.token_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    assert client.get("/api/enhancements/").status_code == 401


def test_token_endpoint_takes_json_and_ignores_a_session(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)  # a browser's session must not turn this into a CSRF failure
    response = client.post(
        "/api/auth/token/", {"username": "alice", "password": "correct horse battery"}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "alice", "password": "wrong"}, "Unable to log in with provided credentials."),
        ({"username": "nobody", "password": "correct horse battery"}, "Unable to log in with provided credentials."),
        ({"username": "alice"}, "Username and password are required."),
        ({}, "Username and password are required."),
    ],
)
def test_token_endpoint_refusals(user, data, message):
    response = APIClient().post("/api/auth/token/", data)
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert not Token.objects.exists()


def test_token_endpoint_is_throttled_per_address(user, settings):
    settings.SRSITE_TOKEN_RATE = "2/min"
    client = APIClient()
    codes = [client.post("/api/auth/token/", {"username": "alice", "password": "guess"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_session_auth_reads_the_api(client, user):
    client.force_login(user)
    assert client.get("/api/enhancements/").status_code == 200
    page = client.get("/api/enhancements/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"Enhancement List" in page.content  # DRF's browsable API


def test_account_page_shows_a_new_token_once_replaces_and_revokes_it(client, user):
    client.force_login(user)
    page = client.get("/account/").content.decode()
    assert "You have no API token yet." in page and 'href="/api/docs/"' in page and 'href="/account/"' in page
    created = client.post("/account/", {"action": "create"})
    first = re.search(r'id="token"[^>]*value="([0-9a-f]{40})"', created.content.decode()).group(1)
    assert Token.objects.get(user=user).key == tokens.digest(first)
    later = client.get("/account/").content.decode()
    assert first not in later and "It is not shown again" in later
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.get("/api/enhancements/").status_code == 200
    client.post("/account/", {"action": "create"})
    assert api.get("/api/enhancements/").status_code == 401  # replaced: the old one stops at once
    response = client.post("/account/", {"action": "revoke"}, follow=True)
    assert not Token.objects.filter(user=user).exists()
    assert "Token revoked" in response.content.decode()


def test_account_page_needs_a_signed_in_user_and_a_csrf_token(client, user):
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post("/account/", {"action": "create"}).status_code == 403
    assert not Token.objects.exists()
