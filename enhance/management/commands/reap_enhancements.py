"""Re-queue (once) or fail jobs whose worker died: run from cron, or with --every beside the workers."""

import time

from django.core.management.base import BaseCommand

from enhance.services import enhancement_delete_expired_drafts
from enhance.tasks import reap_and_requeue


class Command(BaseCommand):
    help = "Re-queue once, then fail, enhancements whose job lease expired (docs/spec.md §6)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds (0: run once).")

    def handle(self, *args, every: float = 0, **options):
        while True:
            counts = reap_and_requeue()
            enhancement_delete_expired_drafts()
            if counts["requeued"] or counts["failed"] or not every:
                self.stdout.write(f"re-queued {counts['requeued']}, failed {counts['failed']}")
            if not every:
                return
            time.sleep(every)
