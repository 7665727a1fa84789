"""The bytes each enhancement stores besides its upload (the storage limit counts them): result and thumbnail,
and the download formats cached beside the result; existing rows measured from their files."""

from pathlib import PurePosixPath

from django.db import migrations, models

# The cached download formats' extensions as enhance.exports names them (a migration must not import code that
# may change).
CACHED_EXPORT_SUFFIXES = (".jpg", ".webp")


def _size(storage, name: str) -> int:
    try:
        return storage.size(name) if name and storage.exists(name) else 0
    except OSError:  # unreadable: counted as nothing rather than stopping the migration
        return 0


def measure_files(apps, schema_editor):
    Enhancement = apps.get_model("enhance", "Enhancement")
    storage = Enhancement._meta.get_field("result").storage
    for row in Enhancement.objects.exclude(result="").only("pk", "result", "thumbnail").iterator():
        result = str(row.result)
        exports = [str(PurePosixPath(result).with_suffix(suffix)) for suffix in CACHED_EXPORT_SUFFIXES]
        Enhancement.objects.filter(pk=row.pk).update(
            result_bytes=_size(storage, result) + _size(storage, str(row.thumbnail or "")),
            export_bytes=sum(_size(storage, name) for name in exports),
        )


class Migration(migrations.Migration):
    dependencies = [("enhance", "0004_hash_api_tokens")]

    operations = [
        migrations.AddField(
            model_name="enhancement", name="result_bytes", field=models.PositiveBigIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="enhancement", name="export_bytes", field=models.PositiveBigIntegerField(default=0)
        ),
        migrations.RunPython(measure_files, migrations.RunPython.noop),
    ]
