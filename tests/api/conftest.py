"""API fixtures: token-authenticated clients, uploads through /upload_img, a fresh throttle per test."""

import io

import pytest
from django.core.cache import cache
from PIL import Image
from rest_framework.test import APIClient

from enhance import tokens
from enhance.models import Enhancement


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counts live in the cache, which would otherwise carry over from test to test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client():
    """An APIClient sending ``Authorization: Token …`` for ``user`` (no session, no CSRF)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.token_create(user=user)}")
        return client

    return make


@pytest.fixture
def api(token_client, user):
    return token_client(user)


@pytest.fixture
def mallory(make_user):
    return make_user("mallory")


@pytest.fixture
def upload(api, make_upload):
    """POST /upload_img as ``user``; ``image=None`` leaves the field out."""

    def post(client=None, name="photo.png", image=..., **fields):
        data = {key: value for key, value in fields.items() if value is not None}
        if image is ...:
            image = make_upload(name, size=(12, 8))
        if image is not None:
            data["image"] = image
        return (client or api).post("/upload_img", data, format="multipart")

    return post


@pytest.fixture
def enhanced(upload, run_jobs):
    """An enhancement uploaded through the API whose job has run (real engine); returns the row.

    The model is ``bicubic`` unless given, so names and timings do not change as trained models ship.
    """

    def make(**fields) -> Enhancement:
        fields.setdefault("model", "bicubic")
        with run_jobs():
            response = upload(**fields)
        assert response.status_code == 201, response.json()
        return Enhancement.objects.get(pk=response.json()["id"])

    return make


@pytest.fixture
def image_info():
    """``(format, size)`` of encoded image bytes."""

    def info(data: bytes) -> tuple[str, tuple[int, int]]:
        with Image.open(io.BytesIO(data)) as image:
            return image.format, image.size

    return info
