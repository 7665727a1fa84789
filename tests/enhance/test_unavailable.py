"""docs/spec.md §7: storage or database unavailable is a clear 503 (JSON under the API's paths), never a bare 500."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from enhance.models import Enhancement

pytestmark = pytest.mark.django_db
MESSAGE = "The service is temporarily unavailable. Please try again in a moment."


@pytest.fixture
def storage_down(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker / "media")  # every write fails for real (NotADirectoryError)


@pytest.fixture
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def test_api_upload_with_storage_down_is_a_503_in_the_error_shape_and_keeps_no_row(
    client, user, make_upload, storage_down
):
    client.force_login(user)
    response = client.post("/upload_img", {"image": make_upload()})
    assert (response.status_code, response.json()) == (503, {"error": MESSAGE})
    assert response["Retry-After"] == "30"
    assert not Enhancement.objects.exists()


def test_upload_page_with_storage_down_is_a_503_page(client, user, make_upload, storage_down):
    client.force_login(user)
    response = client.post(reverse("enhance:upload"), {"images": make_upload()})
    assert response.status_code == 503 and MESSAGE in response.content.decode()
    assert not Enhancement.objects.exists()


def test_pages_and_api_with_the_database_down_are_503s(client, user, request):
    client.force_login(user)
    request.getfixturevalue("database_down")  # after signing in: every query from here on is refused
    page = client.get(reverse("enhance:gallery"))
    assert page.status_code == 503 and MESSAGE in page.content.decode()
    api = client.get("/api/enhancements/")
    assert (api.status_code, api.json()) == (503, {"error": MESSAGE})
