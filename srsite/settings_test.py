"""Fast test configuration (STYLE habit 2): quick hashing; media goes to a temp dir per test (conftest)."""

import os

# The development configuration (a built-in key, plain static files, no HTTPS redirect) unless a run asks for
# another; production settings are tested in subprocesses and the integration run.
os.environ.setdefault("DJANGO_DEBUG", "1")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SRSITE_DEVICE = "cpu"
