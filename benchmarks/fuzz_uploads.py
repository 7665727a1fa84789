"""Fuzz the upload API: thousands of seeded mutated images through ``/upload_img`` with their jobs run by the
real engine in this process, then rows compared with files (``make fuzz``).

    .venv/bin/python benchmarks/fuzz_uploads.py [--count 2000] [--seed 13]

Runs on a throw-away SQLite database and media folder; exits 1 unless every answer is a clear 201/400/413, no
file or row is orphaned, every accepted upload's job is ``done``, and the bytes the storage limit counts are
the bytes on disk.
"""

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="srsite-fuzz-"))
    # Before Django starts: the test settings (jobs run in-process, on commit) on a database of its own.
    os.environ.update(DJANGO_SETTINGS_MODULE="srsite.settings_test", DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from tests.fuzzing import SETTINGS, fuzz_uploads

    for noisy in ("django.request", "django_tasks", "enhance"):  # every refusal and job would be logged
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")  # Pillow's warnings about the corrupt files it is fed
    call_command("migrate", verbosity=0)
    media = work / "media"
    media.mkdir()
    client = Client()
    client.force_login(User.objects.create_user("fuzzer", password="fuzz pass 123"))
    started = time.perf_counter()
    with override_settings(MEDIA_ROOT=str(media), ALLOWED_HOSTS=["testserver"], **SETTINGS):
        report = fuzz_uploads(client, media, count=args.count, seed=args.seed)
    seconds = time.perf_counter() - started
    print("\n".join(report.lines()))
    print(f"{seconds:.0f} s ({report.sent / seconds:.1f} uploads/s), seed {args.seed}")
    for problem in [*report.server_errors, *report.not_done, *report.orphan_files[:20]]:
        print("PROBLEM", problem)
    if not report.server_errors and not report.not_done:
        shutil.rmtree(work)
    clean = not (report.server_errors or report.not_done or report.orphan_files or report.orphan_rows)
    clean = clean and report.bytes_recorded == report.bytes_on_disk
    return 0 if clean and set(report.statuses) <= {201, 400, 413} else 1


if __name__ == "__main__":
    sys.exit(main())
