"""The engine alone: ``manage.py train`` / ``evaluate`` on a machine that has Django and PyTorch but not the
web stack (a rented GPU, say). No database, no web apps: only mlcore's commands and its weights check.

    DJANGO_SETTINGS_MODULE=srsite.settings_engine python manage.py train edsr_lite --scale 2 --device cuda ...

The environment is read by srsite.settings as always (it imports nothing beyond Django); only what the engine's
commands need is taken from it.
"""

import os

# No web here: the site's production rules (a secret key, a shared cache) do not apply to training.
os.environ.setdefault("DJANGO_DEBUG", "1")

from srsite.settings import BASE_DIR, SECRET_KEY, SRSITE_COMMIT, SRSITE_DATA_ROOT, USE_TZ  # noqa: F401

INSTALLED_APPS = ["mlcore"]
DATABASES: dict = {}
