"""A finished result in each download format: PNG as stored; JPEG and WebP encoded on the first download and
kept as files beside it (a 16 MP WebP costs about a second of web CPU), deleted with the enhancement. Their
bytes are recorded on the row (``export_bytes``): they count against the owner's storage like the result."""

from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.db.models import F
from PIL import Image

from enhance import messages, rendering
from enhance.models import Enhancement
from enhance.validation import EnhancementError

EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def check_fits(enhancement: Enhancement, export: str) -> None:
    """EnhancementError (409) when the result is too large for the format's encoder."""
    width, height = enhancement.result_width or 0, enhancement.result_height or 0
    max_side = rendering.EXPORT_MAX_SIDE[export]
    if max(width, height) > max_side:
        label = rendering.EXPORT_LABELS[export]
        message = messages.TOO_LARGE_EXPORT.format(width=width, height=height, label=label, max_side=max_side)
        raise EnhancementError(message, status=409)


def variant_name(result_name: str, export: str) -> str:
    """The cached file of ``export`` beside the result: ``results/<id>.png`` → ``results/<id>.webp``."""
    return str(PurePosixPath(result_name).with_suffix("." + EXTENSIONS[export]))


def variant_names(result_name: str) -> list[str]:
    return [variant_name(result_name, export) for export in EXTENSIONS if export != "png"]


def open_export(enhancement: Enhancement, export: str) -> BinaryIO:
    """The result's bytes in ``export`` (at the job's quality), encoded at most once (stored on first use)."""
    if export == "png":  # stored as PNG: streamed as it is
        return enhancement.result.open("rb")
    storage = enhancement.result.storage
    name = variant_name(enhancement.result.name, export)
    if not storage.exists(name):
        with enhancement.result.open("rb") as file, Image.open(file) as image:
            image.load()
            data = rendering.encode(image, export, enhancement.output_quality)
        saved = storage.save(name, ContentFile(data))
        if saved != name:  # another request stored it first: keep theirs (it counted it), drop this copy
            storage.delete(saved)
        else:
            Enhancement.objects.filter(pk=enhancement.pk).update(export_bytes=F("export_bytes") + len(data))
    return storage.open(name, "rb")
