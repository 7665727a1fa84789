"""Files made from a stored file, once, and kept beside it: the result in each download format (PNG as
stored; JPEG and WebP encoded on the first download: a 16 MP WebP costs about a second of web CPU), the
result's display-sized preview (made by the worker as the job finishes, or on first use for older rows) and
the upload's thumbnail (made on first use). Each is deleted with the file it was made from (signals.py);
each is recorded on its row with its size in bytes (``export_bytes`` sums the cached download formats), so
they count against the owner's storage (enhance.services.limits)."""

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.db.models import F
from django.db.models.fields.files import FieldFile
from PIL import Image

import mlcore
from enhance import messages, rendering
from enhance.models import Enhancement, Upload
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


PREVIEW_SUFFIX = "-preview.webp"
THUMBNAIL_SUFFIX = "-thumb.webp"
DISPLAY_SUFFIX = "-display.webp"


def _beside(name: str, suffix: str) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(path.stem + suffix))


def variant_names(result_name: str) -> list[str]:
    """Every file that may have been made from the result (deleted with it, made or not)."""
    exported = [variant_name(result_name, export) for export in EXTENSIONS if export != "png"]
    return [*exported, _beside(result_name, PREVIEW_SUFFIX)]


def upload_variant_names(original_name: str) -> list[str]:
    return [_beside(original_name, THUMBNAIL_SUFFIX), _beside(original_name, DISPLAY_SUFFIX)]


def store_once(storage, name: str, make: Callable[[], bytes]) -> tuple[int, bool]:
    """Store ``make()``'s bytes as ``name`` unless that file exists already: its size in bytes, and whether
    this call stored it."""
    made = False
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(make()))
        if saved != name:  # another request stored it first: keep theirs, drop this copy
            storage.delete(saved)
        made = saved == name
    return storage.size(name), made


def open_export(enhancement: Enhancement, export: str) -> BinaryIO:
    """The result's bytes in ``export`` (at the job's quality), encoded at most once (stored on first use)."""
    if export == "png":  # stored as PNG: streamed as it is
        return enhancement.result.open("rb")
    storage = enhancement.result.storage
    name = variant_name(enhancement.result.name, export)
    size, made = store_once(
        storage, name, lambda: rendering.encode(_decoded(enhancement.result), export, enhancement.output_quality)
    )
    if made:  # this request stored it (a racing one that lost counted nothing)
        Enhancement.objects.filter(pk=enhancement.pk).update(export_bytes=F("export_bytes") + size)
    return storage.open(name, "rb")


def _decoded(result: FieldFile) -> Image.Image:
    with result.open("rb") as file, Image.open(file) as image:
        image.load()
        return image


def store_preview(result: FieldFile, image: Image.Image | None = None) -> tuple[str, int]:
    """Make and store the preview of ``result`` (from ``image`` when the caller has it decoded); its name and
    size, for the row to record."""
    name = _beside(result.name, PREVIEW_SUFFIX)
    size, _ = store_once(
        result.storage, name, lambda: rendering.preview(image if image is not None else _decoded(result))
    )
    return name, size


def result_preview(enhancement: Enhancement) -> FieldFile | None:
    """The result's display-sized preview, made now if this row has none yet (rows finished before previews
    existed); None while there is no result."""
    if enhancement.preview or not enhancement.result:
        return enhancement.preview or None
    name, size = store_preview(enhancement.result)
    Enhancement.objects.filter(pk=enhancement.pk, result=enhancement.result.name).update(
        preview=name, preview_bytes=size
    )
    enhancement.preview, enhancement.preview_bytes = name, size
    return enhancement.preview


def upload_thumbnail(upload: Upload) -> FieldFile:
    """The upload's small thumbnail (tiles show it before there is a result), made on first use."""
    return _upload_variant(upload, "thumbnail", THUMBNAIL_SUFFIX, rendering.thumbnail)


def upload_display(upload: Upload) -> FieldFile:
    """The upload at display size (the viewer's "before" at fit: longest side 1600 px, a WebP every browser
    draws, also for a TIFF or HEIC original), made on first use."""
    return _upload_variant(upload, "display", DISPLAY_SUFFIX, rendering.preview)


def _upload_variant(upload: Upload, field: str, suffix: str, render: Callable[[Image.Image], bytes]) -> FieldFile:
    # Made once from the upright decode the job sees, stored beside the original, recorded with its size.
    if getattr(upload, field):
        return getattr(upload, field)
    name = _beside(upload.file.name, suffix)

    def make() -> bytes:
        with upload.file.open("rb") as file:
            image, _ = mlcore.open_image(file)
        return render(image)

    size, _ = store_once(upload.file.storage, name, make)
    Upload.objects.filter(pk=upload.pk).update(**{field: name, f"{field}_bytes": size})
    setattr(upload, field, name)
    setattr(upload, f"{field}_bytes", size)
    return getattr(upload, field)
