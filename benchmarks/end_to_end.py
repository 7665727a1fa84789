"""A camera-sized photo through ``make run``, from upload to downloaded PNG: wall time, the job's own stages
and the worker's peak memory.

    .venv/bin/python benchmarks/end_to_end.py [--size 4000x3000] [--scale 2] [--model default] [--port 8765]

Starts ``make run`` as a person would (the development server, one worker and the reaper; SQLite in a
temporary folder, media in media/), signs a user in through the API, uploads the photo with ``POST
/upload_img``, polls ``/api/enhancements/status/`` every 0.2 s and downloads ``/display`` (the PNG). The photo
is a mosaic of BSD100 images enlarged to ``--size`` and saved as a JPEG of quality 92, as a camera would.
The worker's peak resident memory is its VmHWM from /proc. The enhancement is deleted at the end.
Pause other CPU work while measuring.
"""

import argparse
import io
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BSD100 = ROOT.parent / "shared" / "datasets" / "BSD100"


def camera_photo(width: int, height: int) -> bytes:
    """A width×height JPEG (q92) made of BSD100 photos enlarged ×2 with Lanczos, 5 across."""
    sources = sorted(BSD100.glob("*.png"))
    if not sources:
        raise SystemExit(f"No images in {BSD100}.")
    tile_w, tile_h = -(-width // 5), -(-height // 5)
    tiles = []
    for i in range(25):
        img = Image.open(sources[i % len(sources)]).convert("RGB")
        tiles.append(np.asarray(img.resize((max(tile_w, 2 * img.width), max(tile_h, 2 * img.height)), Image.LANCZOS)))
    rows = [np.concatenate([t[:tile_h, :tile_w] for t in tiles[r * 5 : r * 5 + 5]], axis=1) for r in range(5)]
    buffer = io.BytesIO()
    Image.fromarray(np.concatenate(rows, axis=0)[:height, :width]).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def worker_peak_mb(make: subprocess.Popen) -> float | None:
    """VmHWM of the ``manage.py worker`` process under ``make``."""
    pattern = "^[^ ]*python[^ ]* manage.py worker"  # the Python process, not the shell that started it
    found = subprocess.run(["pgrep", "-g", str(make.pid), "-f", pattern], capture_output=True, text=True)
    peaks = [
        int(line.split()[1]) / 1024
        for pid in found.stdout.split()
        if Path(f"/proc/{pid}/status").exists()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    ]
    return max(peaks, default=None)


def wait_until_up(base: str, make: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if make.poll() is not None:
            raise SystemExit(f"make run exited with {make.returncode}.")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise SystemExit("The site did not come up.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="4000x3000")
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--model", default="default")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    photo = camera_photo(width, height)
    base = f"http://127.0.0.1:{args.port}"
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3"}
        manage = [str(ROOT / ".venv" / "bin" / "python"), "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        create = "from django.contrib.auth import get_user_model as U; U().objects.create_user('bench', password=%r)"
        subprocess.run([*manage, "shell", "-v0", "-c", create % password], cwd=ROOT, env=env, check=True)
        make = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={args.port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until_up(base, make)
            token = requests.post(f"{base}/api/auth/token/", data={"username": "bench", "password": password}).json()
            auth = {"Authorization": f"Token {token['token']}"}
            data = {"scale": args.scale, "model": args.model}
            start = time.perf_counter()
            answer = requests.post(f"{base}/upload_img", headers=auth, files={"image": ("photo.jpg", photo)}, data=data)
            answer.raise_for_status()
            job = answer.json()["id"]
            uploaded = time.perf_counter()
            while True:
                status = requests.get(f"{base}/api/enhancements/status/", headers=auth, params={"ids": job}).json()
                state = status["items"][0]["status"]
                if state in {"done", "failed", "cancelled"}:
                    break
                time.sleep(0.2)
            finished = time.perf_counter()
            result = requests.get(f"{base}/display", headers=auth, params={"id": job})
            downloaded = time.perf_counter()
            detail = requests.get(f"{base}/api/enhancements/{job}/", headers=auth).json()
            peak = worker_peak_mb(make)
            requests.delete(f"{base}/api/enhancements/{job}/", headers=auth)
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)
    resolved = detail.get("model_resolved")
    print(f"{args.size} ×{args.scale} {args.model} → {resolved}: {state}, HTTP {result.status_code}")
    print(f"  upload answered   {uploaded - start:6.2f} s ({len(photo) / 2**20:.1f} MB JPEG)")
    print(f"  job finished      {finished - start:6.2f} s (its processing: {detail.get('processing_seconds'):.2f} s)")
    print(f"  PNG downloaded    {downloaded - start:6.2f} s ({len(result.content) / 2**20:.1f} MB)")
    print(f"  worker peak RSS   {peak:.0f} MB" if peak else "  worker peak RSS   not found")


if __name__ == "__main__":
    sys.exit(main())
