"""What the integration tests share: where the live site is, and small helpers."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

SITE = os.environ.get("SRSITE_IT_URL", "")
WORK = Path(os.environ.get("SRSITE_IT_WORK", "/tmp"))
# What the TLS-terminating proxy in front of gunicorn adds (production redirects plain HTTP to HTTPS).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def report(line: str) -> None:
    """A measured number for the run's closing summary."""
    with open(WORK / "report.txt", "a") as file:
        file.write(f"[{settings.SRSITE_TASK_BACKEND} backend] {line}\n")


def wait_for(condition, *, timeout: float, interval: float = 0.05, what: str):
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}")


def png(side: int, seed: int) -> bytes:
    """A smooth gradient (PNG encodes it quickly), different for each seed."""
    image = Image.linear_gradient("L").resize((side, side)).convert("RGB")
    image.putpixel((0, 0), (seed % 256, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
