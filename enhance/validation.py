"""Checks on an upload, worded from ``enhance.messages`` (limits from settings)."""

import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError

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
    """Decode ``upload`` (a Django UploadedFile) fully; ImageInfo, or EnhancementError with its message."""
    if upload is None or not upload.size:
        raise EnhancementError(messages.NO_FILE)
    if upload.size > max_upload_bytes():
        raise EnhancementError(messages.TOO_LARGE_FILE.format(max_mb=settings.SRSITE_MAX_UPLOAD_MB), status=413)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise EnhancementError(messages.INVALID_IMAGE)
                check_pixels(image.width, image.height)
                if image.format != "MPO" and getattr(image, "is_animated", False):
                    raise EnhancementError(messages.ANIMATED)
                image.load()  # a truncated or corrupt file fails here, not in the worker
                info = ImageInfo(image.format, *_upright_size(image))
    except EnhancementError:
        raise
    except Image.DecompressionBombError:
        width, height = _header_size(upload)
        raise EnhancementError(_too_many_pixels(width, height)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise EnhancementError(messages.INVALID_IMAGE) from exc
    finally:
        upload.seek(0)
    return info


def _upright_size(image: Image.Image) -> tuple[int, int]:
    # The size people see: EXIF orientations 5–8 turn the picture a quarter (the engine applies it).
    width, height = image.size
    orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


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
