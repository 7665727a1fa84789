"""``manage.py check`` (and every start of runserver or a command that checks, `make serve` first of all):
production needs a cache shared by all web processes whose ``add`` and ``incr`` are atomic, or attempt counts
would be kept per process or lose attempts counted at the same moment (enhance.throttles.count)."""

from django.conf import settings
from django.core import checks

# Shared by every process, with atomic add and incr (Redis SET NX / INCRBY, memcached add / incr, and the
# database cache that takes the key's lock first). Django's plain database and file caches count with a read
# and a write; the memory and dummy caches are per process.
ATOMIC_SHARED_CACHES = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "enhance.cache.AtomicDatabaseCache",
)


@checks.register(checks.Tags.caches)
def shared_cache_in_production(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend in ATOMIC_SHARED_CACHES:
        return []
    return [
        checks.Error(
            f"The default cache ({backend}) cannot count attempts exactly across web processes: sign-in, "
            "password reset, sign-up and upload limits would not hold.",
            hint="Set REDIS_URL, or leave CACHES to srsite.settings (enhance.cache.AtomicDatabaseCache without "
            "DEBUG); the caches accepted in production: " + ", ".join(ATOMIC_SHARED_CACHES) + ".",
            id="enhance.E001",
        )
    ]


def create_cache_table(using: str = "default", **kwargs) -> None:
    """After ``migrate``: the database cache's table, when that cache is configured (idempotent)."""
    from django.core.management import call_command

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
