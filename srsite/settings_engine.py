"""The engine alone: ``manage.py train`` / ``evaluate`` on a machine that has Django and PyTorch but not the
web stack (a rented GPU, say). No database, no web apps: only mlcore's commands and its weights check.

    DJANGO_SETTINGS_MODULE=srsite.settings_engine python manage.py train edsr_lite --scale 2 --device cuda ...
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "engine-only: serves no requests"  # nothing is signed with it
INSTALLED_APPS = ["mlcore"]
DATABASES: dict = {}
USE_TZ = True
SRSITE_COMMIT = os.environ.get("SRSITE_COMMIT", "")  # the code's commit for model cards where there is no .git
