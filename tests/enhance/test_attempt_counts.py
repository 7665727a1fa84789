"""Attempt counts hold across processes: several processes of several threads each count one key at once on
each cache production accepts (here the database cache on SQLite, and Redis; tests/integration does the
database cache on PostgreSQL), and every attempt is counted exactly once."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from enhance.checks import ATOMIC_SHARED_CACHES
from enhance.throttles import count

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, THREADS, COUNTS = 4, 3, 25
CHILD = """
import json, sys, threading
import django
django.setup()
from django.conf import settings
from enhance.throttles import count
seen, lock = [], threading.Lock()
def work():
    mine = [count("hammer", timeout=600) for _ in range({counts})]
    with lock:
        seen.extend(mine)
threads = [threading.Thread(target=work) for _ in range({threads})]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({{"backend": settings.CACHES["default"]["BACKEND"], "seen": seen}}))
"""


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SRSITE_", "REDIS_", "DATABASE_"))}
    return {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "hammer",
        "DJANGO_SETTINGS_MODULE": "srsite.settings",
        **extra,
    }


def hammer(env: dict) -> tuple[str, list[int]]:
    """Run PROCESSES × THREADS × COUNTS attempts on one key at once: the cache backend and every count seen."""
    code = CHILD.format(counts=COUNTS, threads=THREADS)
    children = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(PROCESSES)
    ]
    answers = [json.loads(child.communicate(timeout=300)[0]) for child in children]
    assert all(child.returncode == 0 for child in children)
    return answers[0]["backend"], sorted(n for answer in answers for n in answer["seen"])


def assert_exact(backend: str, seen: list[int]) -> None:
    assert backend in ATOMIC_SHARED_CACHES
    total = PROCESSES * THREADS * COUNTS
    assert seen == list(range(1, total + 1))  # no count lost, none given twice


def test_the_database_cache_counts_exactly_across_processes_and_threads(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    backend, seen = hammer(env)
    assert backend == "enhance.cache.AtomicDatabaseCache"
    assert_exact(backend, seen)


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_redis_counts_exactly_across_processes_and_threads(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # until it listens (a count, not a timing: 300 tries)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        backend, seen = hammer(production_env(REDIS_URL=f"redis://127.0.0.1:{port}/0"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert_exact(backend, seen)


def test_a_count_starts_again_once_its_window_is_over():
    cache.delete("window")
    assert [count("window", timeout=600) for _ in range(3)] == [1, 2, 3]
    cache.delete("window")  # what expiry does
    assert count("window", timeout=600) == 1
