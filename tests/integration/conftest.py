"""Fixtures for the scale-out run against live servers (started by scripts/integration.sh).

The tests talk HTTP to the site under gunicorn like any client, read the same PostgreSQL and bucket to
check what happened, and own the worker processes so that they can time them and kill one.
"""

import signal
import subprocess
import sys

import pytest
import requests
from django.conf import settings

from tests.integration.live import PROXY_HEADERS, SITE, WORK, wait_for


@pytest.fixture(scope="session", autouse=True)
def live_database(django_db_blocker):
    """The site's own PostgreSQL database, not a test copy: the tests read what the servers wrote."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def client_for():
    """``client_for(username)``: a new user's API session, signed in with their token."""
    from django.contrib.auth import get_user_model

    def make(username: str) -> requests.Session:
        get_user_model().objects.create_user(username=username, password="integration password 1")
        session = requests.Session()
        session.headers.update(PROXY_HEADERS)
        answer = session.post(
            f"{SITE}/api/auth/token/", data={"username": username, "password": "integration password 1"}
        )
        assert answer.status_code == 200, answer.text
        session.headers["Authorization"] = f"Token {answer.json()['token']}"
        return session

    return make


class Workers:
    """Worker processes (``manage.py worker``) by name; each one's PID is listed for the script's cleanup."""

    def __init__(self, backend: str):
        self.backend = backend
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, *names: str) -> None:
        for name in names:
            log = open(WORK / f"{self.backend}-worker-{name}.log", "a")  # noqa: SIM115 (lives with the process)
            command = [sys.executable, "manage.py", "worker", "--name", name]
            self.procs[name] = subprocess.Popen(command, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
            (WORK / "pids" / str(self.procs[name].pid)).touch()

    def wait_ready(self, *names: str) -> None:
        """Until each worker has loaded torch and is about to take jobs (it says so in its log)."""

        def ready(name: str) -> bool:
            return f"Worker {name} ready" in (WORK / f"{self.backend}-worker-{name}.log").read_text()

        wait_for(lambda: all(map(ready, names)), timeout=60, interval=0.1, what=f"workers {names} to start")

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        (WORK / "pids" / str(proc.pid)).unlink(missing_ok=True)

    def kill(self, name: str) -> None:
        self.stop(name, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)


@pytest.fixture(scope="session")
def workers():
    pool = Workers(settings.SRSITE_TASK_BACKEND)
    yield pool
    pool.stop_all()


@pytest.fixture(scope="session")
def bucket():
    """The media bucket through its own client: what is really stored, whatever the site says."""
    import boto3

    options = settings.STORAGES["default"]["OPTIONS"]
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"],
    )

    class Bucket:
        name = options["bucket_name"]
        client = s3

        def keys(self, folder: str) -> set[str]:
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=f"{folder}/")
            return {item["Key"] for page in pages for item in page.get("Contents", [])}

    return Bucket()
