"""The "done when" of the API: examples/api_client.py (requests only) against a live server and a worker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

CLIENT = Path(__file__).resolve().parents[2] / "examples" / "api_client.py"
ENV = {**os.environ, "NO_PROXY": "*", "PYTHONUNBUFFERED": "1"}  # lines as they are printed; no proxy for 127.0.0.1


@pytest.mark.django_db(transaction=True)
def test_example_client_gets_a_token_uploads_polls_and_saves_the_png(
    live_server, settings, make_user, make_image_bytes, tmp_path
):
    # The database queue, as `make run` has it: the job waits until a worker takes it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    make_user("ada", password="a long unusual pass")
    picture = tmp_path / "garden.png"
    picture.write_bytes(make_image_bytes(size=(20, 15)))
    output = tmp_path / "garden_x3.png"
    command = [sys.executable, str(CLIENT), live_server.url, "ada", "a long unusual pass", str(picture)]
    command += ["--scale", "3", "--output", str(output), "--interval", "0.1", "--timeout", "60"]
    client = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        lines = []
        for line in client.stdout:  # until the client has been told 202 "queued" (or has stopped)
            lines.append(line.rstrip("\n"))
            if "position 1 in the queue" in line:
                break
        call_command("db_worker", batch=True, reload=False, startup_delay=False)
        client.wait(timeout=60)
    finally:
        client.kill()
    lines += client.stdout.read().splitlines()
    stderr = client.stderr.read()
    assert client.returncode == 0, stderr
    assert lines[0] == "Signed in; got a token."
    assert lines[1].startswith("Uploaded garden.png as enhancement #") and lines[1].endswith("(queued).")
    assert "  queued, position 1 in the queue" in lines
    assert lines[-1].startswith(f"Saved {output} (")
    with Image.open(output) as result:
        assert (result.format, result.size) == ("PNG", (60, 45))


@pytest.mark.django_db(transaction=True)
def test_example_client_reports_the_servers_error(live_server, make_user, tmp_path):
    make_user("ada", password="a long unusual pass")
    notes = tmp_path / "notes.png"
    notes.write_text("not an image")
    command = [sys.executable, str(CLIENT), live_server.url, "ada", "a long unusual pass", str(notes)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=ENV)
    assert result.returncode == 1
    assert result.stderr == "error: 400: Invalid file type. Please upload a valid image.\n"
