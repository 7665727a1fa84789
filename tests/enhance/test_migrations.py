"""The move of originals to ``Upload`` and of batches to ``Batch``, on a database with rows made before it."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = [("enhance", "0002_restore")], [("enhance", "0003_upload_batch")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def models_of(apps):
    """User, Batch, Upload and Enhancement as they are at a migration (``migrate``'s apps)."""
    return (
        apps.get_model(*name.split("."))
        for name in ("auth.User", "enhance.Batch", "enhance.Upload", "enhance.Enhancement")
    )


@pytest.mark.django_db(transaction=True)
def test_every_row_and_file_is_kept_with_one_upload_per_original(media_files):
    old = migrate(BEFORE)
    User, Enhancement = old.get_model("auth", "User"), old.get_model("enhance", "Enhancement")
    alice, bob = (User.objects.create(username=name) for name in ("alice", "bob"))
    together, alone = uuid.uuid4(), uuid.uuid4()
    rows = []
    for owner, batch, name in [(alice, together, "a.png"), (alice, together, "b.jpg"), (bob, alone, "c.png")]:
        stored = default_storage.save(f"originals/{name}", ContentFile(b"pixels of " + name.encode()))
        rows.append(
            Enhancement.objects.create(
                owner=owner,
                batch=batch,
                original=stored,
                original_name=name,
                original_bytes=13,
                original_format="PNG",
                original_width=12,
                original_height=8,
                status="done",
                scale=3,
            )
        )
    files_before = media_files()

    new = migrate(AFTER)
    Enhancement, Upload, Batch = (new.get_model("enhance", name) for name in ("Enhancement", "Upload", "Batch"))
    assert Enhancement.objects.count() == 3 and Upload.objects.count() == 3
    for row in rows:
        migrated = Enhancement.objects.select_related("upload").get(pk=row.pk)
        upload = migrated.upload
        assert (upload.file.name, upload.name, upload.owner_id) == (row.original.name, row.original_name, row.owner_id)
        assert (upload.bytes, upload.format, upload.width, upload.height) == (13, "PNG", 12, 8)
        assert (migrated.batch_id, migrated.status, migrated.scale) == (row.batch, "done", 3)
        assert upload.created_at == row.created_at
    assert {(b.id, b.owner_id) for b in Batch.objects.all()} == {(together, alice.pk), (alone, bob.pk)}
    assert media_files() == files_before  # no file moved, copied or lost
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # as the other tests expect it


@pytest.mark.django_db(transaction=True)
def test_undoing_it_puts_each_original_back_on_its_row(make_enhancement, media_files):
    enhancement = make_enhancement()
    files_before = media_files()
    old = migrate(BEFORE)
    row = old.get_model("enhance", "Enhancement").objects.get(pk=enhancement.pk)
    assert (row.original.name, row.original_name, row.original_width, row.original_bytes, row.batch) == (
        enhancement.original.name,
        enhancement.original_name,
        enhancement.original_width,
        enhancement.original_bytes,
        enhancement.batch_id,
    )
    assert media_files() == files_before
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_stored_bytes_are_measured_from_the_files_of_existing_results(media_files):
    old = migrate([("enhance", "0004_hash_api_tokens")])
    User, Batch, Upload, Enhancement = models_of(old)
    alice = User.objects.create(username="alice")
    upload = Upload.objects.create(
        owner=alice, file=default_storage.save("originals/a.png", ContentFile(b"o" * 10)), name="a.png",
        bytes=10, format="PNG", width=12, height=8,
    )  # fmt: skip
    result = default_storage.save("results/r.png", ContentFile(b"r" * 300))
    thumbnail = default_storage.save("thumbnails/t.webp", ContentFile(b"t" * 20))
    default_storage.save("results/r.webp", ContentFile(b"w" * 70))  # a cached download of the result
    kept = Enhancement.objects.create(
        owner=alice, batch=Batch.objects.create(owner=alice), upload=upload, result=result, thumbnail=thumbnail,
        status="done",
    )  # fmt: skip
    draft = Enhancement.objects.create(owner=alice, batch=Batch.objects.create(owner=alice), upload=upload)

    new = migrate([("enhance", "0005_stored_bytes")])
    rows = new.get_model("enhance", "Enhancement").objects
    assert rows.values_list("result_bytes", "export_bytes").get(pk=kept.pk) == (320, 70)
    assert rows.values_list("result_bytes", "export_bytes").get(pk=draft.pk) == (0, 0)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_restoring_flag_becomes_the_route_by_the_zoo_roles_of_the_day(declare_role):
    declare_role("denoising", {"2": "espcn"})
    declare_role("jpeg", {"2": "edsr_lite_jpeg"})
    old = migrate([("enhance", "0010_original_display")])
    User, Batch, Upload, Enhancement = models_of(old)
    alice = User.objects.create(username="alice")
    upload = Upload.objects.create(
        owner=alice, file="originals/a.jpg", name="a.jpg", bytes=1, format="JPEG", width=12, height=8
    )
    batch = Batch.objects.create(owner=alice)
    made = {
        (requested, resolved, restoring): Enhancement.objects.create(
            owner=alice, batch=batch, upload=upload, model_requested=requested, model_resolved=resolved,
            restoring=restoring, scale=2,
        ).pk
        for requested, resolved, restoring in [
            ("default", "edsr_lite_jpeg", True), ("default", "espcn", True), ("default", "espcn_restore", True),
            ("default", "edsr_lite", False), ("default", "", False), ("srcnn", "srcnn", False),
        ]
    }  # fmt: skip

    new = migrate([("enhance", "0011_route")])
    rows = new.get_model("enhance", "Enhancement").objects
    assert {key: rows.get(pk=pk).route for key, pk in made.items()} == {
        ("default", "edsr_lite_jpeg", True): "jpeg",
        ("default", "espcn", True): "noise",
        ("default", "espcn_restore", True): "photo",
        ("default", "edsr_lite", False): "clean",
        ("default", "", False): "",  # never ran
        ("srcnn", "srcnn", False): "",  # a model chosen by name
    }
    back = migrate([("enhance", "0010_original_display")]).get_model("enhance", "Enhancement").objects
    assert {key: back.get(pk=pk).restoring for key, pk in made.items()} == {key: key[2] for key in made}
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
