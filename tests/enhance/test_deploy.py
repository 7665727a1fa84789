"""Scale-out by configuration (docs/spec.md §6): DATABASE_URL, the worker command for either queue, /healthz."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from enhance.management.commands import worker
from srsite.settings import _database


def test_database_url_postgres_with_quoted_password_and_options():
    db = _database("postgres://srsite:p%40ss@db.internal:6543/srsite?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "srsite",
        "srsite",
        "p@ss",
        "db.internal",
        "6543",
    )
    assert db["OPTIONS"] == {"connect_timeout": "10", "sslmode": "require"}


def test_database_url_unset_is_the_sqlite_file_and_sqlite_urls_work():
    assert _database("")["NAME"].name == "db.sqlite3"
    assert _database("sqlite:////var/lib/srsite/db.sqlite3")["NAME"] == "/var/lib/srsite/db.sqlite3"


def test_database_url_of_another_engine_is_refused():
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        _database("mysql://root@localhost/srsite")


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        ("db", ("db_worker", (), {"reload": False, "interval": 0.5, "worker_id": "gpu-1"})),
        ("rq", ("rqworker", ("default",), {"name": "gpu-1"})),
    ],
)
def test_worker_runs_the_configured_queues_worker(settings, monkeypatch, backend, expected):
    settings.SRSITE_TASK_BACKEND = backend
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/0"}}
    calls = []
    monkeypatch.setattr(worker, "call_command", lambda command, *args, **kwargs: calls.append((command, args, kwargs)))
    call_command("worker", name="gpu-1")
    assert calls == [expected]


@pytest.fixture
def operator(settings):
    """Headers of an operator's probe: the configured health token."""
    settings.SRSITE_HEALTH_TOKEN = "probe-secret"
    return {"HTTP_AUTHORIZATION": "Bearer probe-secret"}


@pytest.mark.django_db
def test_healthz_reports_database_storage_queue_and_weights(client, operator):
    answer = client.get("/healthz", **operator)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["ok"], body["failing"]) == (True, [])
    assert body["checks"]["database"] == {"ok": True, "engine": "sqlite"}
    assert body["checks"]["storage"] == {"ok": True, "backend": "files"}
    assert body["checks"]["queue"] == {"ok": True, "backend": "db", "jobs_queued": 0}
    assert "bicubic" in body["checks"]["weights"]["models"]
    assert answer["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_is_503_naming_the_failing_part(client, settings, tmp_path, operator):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker / "media")  # storage that cannot be written, for real
    answer = client.get("/healthz", **operator)
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["storage"]
    assert answer.json()["checks"]["storage"]["error"].startswith("NotADirectoryError")


@pytest.mark.django_db
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Bearer "])
def test_healthz_tells_anyone_else_the_status_only(client, settings, tmp_path, authorization):
    settings.SRSITE_HEALTH_TOKEN = "probe-secret"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker / "media")
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    answer = client.get("/healthz", **headers)
    assert (answer.status_code, answer.json()) == (503, {"ok": False})


@pytest.mark.django_db
def test_healthz_detail_for_staff_without_a_token(client, make_user):
    client.force_login(make_user(is_staff=True))
    assert client.get("/healthz").json()["checks"]["database"]["ok"] is True
