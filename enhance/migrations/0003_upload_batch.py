"""Originals move to ``Upload`` (one per existing original: each row had its own copy) and batches become
``Batch`` rows; every row and file is kept, and the stored file names do not change."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import enhance.models


# Upload's field → the Enhancement field it came from.
ORIGINAL = {
    "file": "original",
    "name": "original_name",
    "bytes": "original_bytes",
    "format": "original_format",
    "width": "original_width",
    "height": "original_height",
}


def split_originals(apps, schema_editor):
    Enhancement, Upload, Batch = (apps.get_model("enhance", name) for name in ("Enhancement", "Upload", "Batch"))
    for row in Enhancement.objects.order_by("pk").iterator():
        batch, _ = Batch.objects.get_or_create(id=row.batch, defaults={"owner_id": row.owner_id})
        upload = Upload.objects.create(owner_id=row.owner_id, **{new: getattr(row, old) for new, old in ORIGINAL.items()})
        Upload.objects.filter(pk=upload.pk).update(created_at=row.created_at)
        Batch.objects.filter(pk=batch.pk, created_at__gt=row.created_at).update(created_at=row.created_at)
        Enhancement.objects.filter(pk=row.pk).update(upload=upload, batch_row=batch)


def join_originals(apps, schema_editor):
    Enhancement = apps.get_model("enhance", "Enhancement")
    for row in Enhancement.objects.select_related("upload").order_by("pk").iterator():
        fields = {old: getattr(row.upload, new) for new, old in ORIGINAL.items()}
        Enhancement.objects.filter(pk=row.pk).update(batch=row.batch_row_id, **fields)


def _owner(related_name: str):
    return models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name=related_name)


class Migration(migrations.Migration):
    dependencies = [
        ("enhance", "0002_restore"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Batch",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("owner", _owner("batches")),
            ],
            options={"verbose_name_plural": "batches"},
        ),
        migrations.CreateModel(
            name="Upload",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(upload_to=enhance.models.original_upload_to)),
                ("name", models.CharField(max_length=255)),
                ("bytes", models.PositiveBigIntegerField()),
                ("format", models.CharField(max_length=16)),
                ("width", models.PositiveIntegerField()),
                ("height", models.PositiveIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("owner", _owner("uploads")),
            ],
        ),
        migrations.AddField(
            model_name="enhancement",
            name="upload",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="enhancements", to="enhance.upload"
            ),
        ),
        migrations.AddField(
            model_name="enhancement",
            name="batch_row",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="enhancements", to="enhance.batch"
            ),
        ),
        # Nullable before they go, so that undoing this migration can add them back to existing rows
        # (then fill them, then make them required again).
        *(
            migrations.AlterField(model_name="enhancement", name=name, field=field)
            for name, field in [
                ("original", models.FileField(null=True, upload_to=enhance.models.original_upload_to)),
                ("original_name", models.CharField(max_length=255, null=True)),
                ("original_bytes", models.PositiveBigIntegerField(null=True)),
                ("original_format", models.CharField(max_length=16, null=True)),
                ("original_width", models.PositiveIntegerField(null=True)),
                ("original_height", models.PositiveIntegerField(null=True)),
            ]
        ),
        migrations.RunPython(split_originals, join_originals),
        migrations.RemoveField(model_name="enhancement", name="batch"),
        migrations.RenameField(model_name="enhancement", old_name="batch_row", new_name="batch"),
        migrations.AlterField(
            model_name="enhancement",
            name="batch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="enhancements", to="enhance.batch"
            ),
        ),
        migrations.AlterField(
            model_name="enhancement",
            name="upload",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="enhancements", to="enhance.upload"
            ),
        ),
        *(migrations.RemoveField(model_name="enhancement", name=name) for name in ORIGINAL.values()),
    ]
