"""One job worker for the configured queue (SRSITE_TASK_BACKEND): start as many as the host has room for."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

import mlcore


class Command(BaseCommand):
    help = "Run enhancement jobs from the queue: db_worker (database backend) or rqworker (RQ backend)."

    def add_arguments(self, parser):
        parser.add_argument("--name", default=None, help="Worker name shown in task results (default: generated).")
        parser.add_argument("--interval", type=float, default=0.5, help="Database queue: seconds between polls.")

    def handle(self, *args, name: str | None = None, interval: float = 0.5, **options):
        import torch  # every job needs it: load it, and find a wrong SRSITE_DEVICE, before taking any job

        if settings.SRSITE_TORCH_THREADS:
            torch.set_num_threads(settings.SRSITE_TORCH_THREADS)
        device = mlcore.resolve_device(settings.SRSITE_DEVICE)
        self.stdout.write(
            f"Worker {name or '(unnamed)'} ready: {settings.SRSITE_TASK_BACKEND} queue, "
            f"device {device}, {torch.get_num_threads()} torch threads"
        )
        self.stdout.flush()
        if settings.SRSITE_TASK_BACKEND == "rq":
            # Job and worker classes come from settings.RQ, the queue names from RQ_QUEUES.
            call_command("rqworker", *settings.RQ_QUEUES, name=name)
        else:
            worker_options = {"worker_id": name} if name else {}
            call_command("db_worker", reload=False, interval=interval, **worker_options)
