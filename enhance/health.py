"""What ``/healthz`` reports: every part this process needs to serve pages and run jobs, checked now.

Each check returns a small JSON-ready dict, or raises; ``report()`` turns a raise into that part's failure.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

import mlcore
from enhance.models import Enhancement


def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"engine": connection.vendor}


def storage() -> dict:
    if hasattr(default_storage, "bucket_name"):  # django-storages' S3Storage
        default_storage.connection.meta.client.head_bucket(Bucket=default_storage.bucket_name)
        return {"backend": "s3", "bucket": default_storage.bucket_name}
    root = Path(default_storage.location)
    root.mkdir(parents=True, exist_ok=True)
    if not os.access(root, os.W_OK):
        raise PermissionError(f"{root} is not writable")
    return {"backend": "files"}


def queue() -> dict:
    queued = Enhancement.objects.filter(status=Enhancement.Status.QUEUED).count()
    if settings.SRSITE_TASK_BACKEND == "rq":
        import django_rq
        from rq import Worker

        rq_queue = django_rq.get_queue("default")
        rq_queue.connection.ping()
        return {"backend": "rq", "jobs_queued": queued, "workers": Worker.count(queue=rq_queue)}
    return {"backend": "db", "jobs_queued": queued}


def weights() -> dict:
    problems = mlcore.weights_problems()  # hashes and numpy only: no torch in a web process
    if problems:
        raise RuntimeError("; ".join(problems))
    return {"models": [model["name"] for model in mlcore.list_models()["models"]]}


CHECKS = {"database": database, "storage": storage, "queue": queue, "weights": weights}


def report() -> dict:
    """``{"ok": bool, "failing": [part, …], "checks": {part: {"ok": bool, …}}}``."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = {"ok": True, **check()}
        except Exception as exc:
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    failing = [name for name, result in checks.items() if not result["ok"]]
    return {"ok": not failing, "failing": failing, "checks": checks}
