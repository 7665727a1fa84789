"""Secure by default: production settings come from the environment alone and pass ``check --deploy``;
without DEBUG there is no built-in secret key and no per-process cache."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[2]
# docs/deploy.md's production variables (the database and storage ones default to SQLite and files).
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "srsite.example.com"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SRSITE_", "REDIS_", "S3_"))}
    clean.update(DJANGO_SETTINGS_MODULE="srsite.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_variables():
    done = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_without_a_secret_key_refuses_to_start():
    done = manage("check", **PRODUCTION)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production)." in done.stderr


def test_debug_is_off_unless_the_environment_turns_it_on():
    done = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", DJANGO_SECRET_KEY="k" * 50)
    assert done.stdout.splitlines()[-1] == "False", done.stderr


def test_make_serve_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SRSITE_"))}
    done = subprocess.run(
        ["make", "-s", "serve", "PORT=18301", "WORKERS=0", "WEB_WORKERS=1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in done.stderr


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",  # per process
        "django.core.cache.backends.db.DatabaseCache",  # shared, but counts with a separate read and write
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_a_cache_that_cannot_count_across_processes_is_a_check_error_without_debug(settings, backend):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "srsite_cache"}}
    with pytest.raises(SystemCheckError, match=r"enhance\.E001.*cannot count attempts exactly"):
        call_command("check")
    settings.CACHES = {"default": {"BACKEND": "enhance.cache.AtomicDatabaseCache", "LOCATION": "srsite_cache"}}
    call_command("check")  # what srsite.settings uses without Redis


def test_make_run_stops_server_worker_and_reaper_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SRSITE_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", SRSITE_TORCH_THREADS="1")
    port = _free_port()  # every engineer's suite runs this: no fixed port
    make = subprocess.Popen(
        ["make", "-s", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal would give it
    )
    try:
        deadline = time.monotonic() + 120
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            assert time.monotonic() < deadline and make.poll() is None, "make run did not start"
            time.sleep(0.5)
        assert len(_group(make.pid)) >= 4  # make, its shell, server, worker, reaper
        make.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _group(make.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _group(make.pid) == []
    finally:
        if _group(make.pid):
            os.killpg(make.pid, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _group(pgid: int) -> list[int]:
    """Live processes of a process group (zombies count as gone)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids
