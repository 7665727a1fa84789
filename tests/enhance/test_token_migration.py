"""Tokens made before keys were hashed keep working after ``migrate`` (their keys hashed in place)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

BEFORE = [("enhance", "0003_upload_batch"), ("authtoken", "0004_alter_tokenproxy_options")]
AFTER = [("enhance", "0004_hash_api_tokens")]


@pytest.mark.django_db(transaction=True)
def test_migration_hashes_existing_keys_and_they_still_sign_in():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="early", password="!")
    old.get_model("authtoken", "Token").objects.create(key="a" * 40, user=user)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    stored = new.get_model("authtoken", "Token").objects.get(user_id=user.pk).key
    assert stored != "a" * 40 and len(stored) == 40

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {'a' * 40}")
    assert client.get("/api/enhancements/").status_code == 200
