"""Fast test configuration (STYLE habit 2): quick hashing; media goes to a temp dir per test (conftest)."""

import os
import tempfile
from pathlib import Path

# The development configuration (a built-in key, plain static files, no HTTPS redirect) unless a run asks for
# another; production settings are tested in subprocesses and the integration run.
os.environ.setdefault("DJANGO_DEBUG", "1")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SRSITE_DEVICE = "cpu"

# A test database in a file, as the site runs on, not Django's shared in-memory one: a live server's thread and
# a test's worker then lock it as the site's processes do (a writer waits for a reader), where SQLite's shared
# cache fails the writer at once. One file per test process, so concurrent runs do not meet.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"srsite-test-{os.getpid()}.sqlite3")}  # noqa: F405
