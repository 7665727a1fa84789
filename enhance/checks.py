"""``manage.py check`` (and every start of runserver or a command that checks): production needs a cache
shared by all web processes, or each process would keep its own throttle and sign-in attempt counts."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches)
def shared_cache_in_production(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            f"The default cache ({backend}) is per process: throttles and sign-in limits would not hold "
            "across web processes.",
            hint="Set REDIS_URL, or leave CACHES to srsite.settings (the database cache without DEBUG).",
            id="enhance.E001",
        )
    ]


def create_cache_table(using: str = "default", **kwargs) -> None:
    """After ``migrate``: the database cache's table, when that cache is configured (idempotent)."""
    from django.core.management import call_command

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
