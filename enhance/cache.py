"""The database cache with atomic counting: Django's counts with a read and a write of their own, so two web
processes counting at once could both write the same number and lose an attempt. Here ``add`` and ``incr`` run
in a transaction whose first statement writes the key's row: that takes the row's lock (PostgreSQL, MySQL) or
the database's write lock (SQLite) before the value is read, so counts from any number of processes are exact.
"""

from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    @contextmanager
    def _key_locked(self, key, version):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table, expires, cache_key = map(connection.ops.quote_name, (self._table, "expires", "cache_key"))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {expires} = {expires} WHERE {cache_key} = %s",
                [self.make_and_validate_key(key, version=version)],
            )
            yield

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._key_locked(key, version):
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):  # decr too (it calls incr)
        with self._key_locked(key, version):
            return super().incr(key, delta, version)
