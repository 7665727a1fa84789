"""Attempt counts on the live cache of this run (the database cache on PostgreSQL with the db backend, Redis
with rq): several processes of several threads count one key at once, and every attempt is counted once.
Run by `make test-integration` once per queue backend; skipped in the unit run."""

import os

import pytest
from django.core.cache import cache

from tests.enhance.test_attempt_counts import assert_exact, hammer
from tests.integration.live import SITE, report

pytestmark = pytest.mark.skipif(not SITE, reason="make test-integration runs it against live servers")


def test_attempts_count_exactly_on_the_live_cache():
    cache.delete("hammer")
    try:
        backend, seen = hammer({**os.environ, "DJANGO_SETTINGS_MODULE": "srsite.settings"})
    finally:
        cache.delete("hammer")
    report(f"attempt counts on {backend}: {len(seen)} attempts from several processes, final count {max(seen)}")
    assert_exact(backend, seen)
