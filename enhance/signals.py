"""Files leave with their row, however the row goes (a delete, or its owner's account deleted)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from enhance import exports
from enhance.models import Enhancement


@receiver(post_delete, sender=Enhancement)
def enhancement_files_delete(sender, instance: Enhancement, **kwargs):
    names = [f.name for f in (instance.original, instance.result, instance.thumbnail) if f]
    if instance.result:
        names += exports.variant_names(instance.result.name)  # JPEG/WebP downloads cached beside it
    storage = instance.original.storage

    def delete_files():
        for name in names:
            storage.delete(name)

    # Only once the delete is committed: a rolled-back delete keeps its files.
    transaction.on_commit(delete_files)
