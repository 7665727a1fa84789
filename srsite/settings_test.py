"""Fast test configuration (STYLE habit 2): quick hashing; media goes to a temp dir per test (conftest)."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SRSITE_DEVICE = "cpu"
