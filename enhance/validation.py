"""Checks on an upload, worded from ``enhance.messages`` (limits from settings)."""

from dataclasses import dataclass

from django.conf import settings
from PIL import Image

import mlcore
from enhance import messages

# Pillow format names accepted (MPO is how Pillow names many camera JPEGs).
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "BMP", "TIFF", "GIF", "AVIF", "HEIF"}
ACCEPTED_LABEL = "JPEG, PNG, WebP, BMP, TIFF, static GIF"


class EnhancementError(ValueError):
    """A refused upload, job setting or action; ``str()`` is the message for people, ``status`` the HTTP code."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def max_upload_bytes() -> int:
    return settings.SRSITE_MAX_UPLOAD_MB * 1024 * 1024


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def check_upload(upload) -> ImageInfo:
    """Decode ``upload`` (a Django UploadedFile) as a job will; ImageInfo, or EnhancementError with its message."""
    if upload is None or not upload.size:
        raise EnhancementError(messages.NO_FILE)
    if upload.size > max_upload_bytes():
        raise EnhancementError(messages.TOO_LARGE_FILE.format(max_mb=settings.SRSITE_MAX_UPLOAD_MB), status=413)
    upload.seek(0)
    try:
        image, fmt = mlcore.open_image(upload, check=_check_header)
        return ImageInfo(fmt, image.width, image.height)  # upright: EXIF orientation applied
    except mlcore.ImageError as exc:
        raise EnhancementError(messages.engine_error(exc)) from None
    except Image.DecompressionBombError:
        width, height = _header_size(upload)
        raise EnhancementError(_too_many_pixels(width, height)) from None
    finally:
        upload.seek(0)


def _check_header(image: Image.Image) -> None:
    # Before any pixel is decoded: the format and the size the header claims.
    if image.format not in ACCEPTED_FORMATS:
        raise EnhancementError(messages.INVALID_IMAGE)
    check_pixels(image.width, image.height)


def _too_many_pixels(width: int, height: int) -> str:
    return messages.TOO_MANY_PIXELS.format(width=width, height=height, max_mp=settings.SRSITE_MAX_INPUT_MP)


def check_pixels(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise EnhancementError(messages.INVALID_IMAGE)
    if width * height > settings.SRSITE_MAX_INPUT_MP * 1_000_000:
        raise EnhancementError(_too_many_pixels(width, height))


def _header_size(upload) -> tuple[int, int]:
    """Width and height from the header of an image Pillow refused as a decompression bomb."""
    upload.seek(0)
    prefix = upload.read(16)
    for factory, accept in Image.OPEN.values():
        upload.seek(0)
        if accept is None or accept(prefix):
            try:
                # The plugin class reads only the header and skips the bomb check made by Image.open.
                image = factory(upload, "")
            except Exception:
                continue
            return image.size
    raise EnhancementError(messages.INVALID_IMAGE)
