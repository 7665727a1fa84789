"""Files leave with their row, however the row goes (a delete, or its owner's account deleted); an upload
and a batch go with their last enhancement, so nothing is left that no page can reach."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from enhance import exports
from enhance.models import Batch, Enhancement, Upload


def _delete_on_commit(storage, names: list[str]) -> None:
    def delete_files():
        for name in dict.fromkeys(names):  # each once (a recorded file may also be named as a variant)
            storage.delete(name)

    # Only once the delete is committed: a rolled-back delete keeps its files.
    transaction.on_commit(delete_files)


@receiver(post_delete, sender=Enhancement)
def enhancement_files_delete(sender, instance: Enhancement, **kwargs):
    names = [f.name for f in (instance.result, instance.thumbnail, instance.preview) if f]
    if instance.result:
        names += exports.variant_names(instance.result.name)  # cached downloads and the preview beside it
    _delete_on_commit(instance.result.storage, names)
    Upload.objects.filter(pk=instance.upload_id, enhancements__isnull=True).delete()
    Batch.objects.filter(pk=instance.batch_id, enhancements__isnull=True).delete()


@receiver(post_delete, sender=Upload)
def upload_file_delete(sender, instance: Upload, **kwargs):
    if instance.file:  # with its thumbnail, made or not
        names = [instance.file.name, *exports.upload_variant_names(instance.file.name)]
        _delete_on_commit(instance.file.storage, names)
