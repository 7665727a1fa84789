"""The background job (django-tasks: the database queue by default, RQ on Redis when configured)."""

from django.db import close_old_connections
from django_tasks import task

from enhance import services


@task()
def enhancement_run_task(enhancement_id: int) -> None:
    # A long-lived worker (RQ's runs jobs in its own process) drops a connection the database closed.
    close_old_connections()
    # A live worker also rescues jobs whose worker died (SPEC §6), before taking on its own.
    services.enhancement_reap_expired()
    services.enhancement_run(enhancement_id=enhancement_id)
