"""Attempt counts on the live cache of this run (the database cache on PostgreSQL with the db backend, Redis
with rq): several processes of several threads count one key at once, and every attempt is counted once."""

import os

from django.core.cache import cache

from tests.enhance.test_attempt_counts import assert_exact, hammer


def test_attempts_count_exactly_on_the_live_cache():
    cache.delete("hammer")
    try:
        backend, seen = hammer({**os.environ, "DJANGO_SETTINGS_MODULE": "srsite.settings"})
    finally:
        cache.delete("hammer")
    assert_exact(backend, seen)
