"""Checks on an upload and on the job's settings, with SPEC §3's words (limits from settings)."""

from dataclasses import dataclass

from django.conf import settings
from PIL import Image

import mlcore

NO_FILE_MESSAGE = "No file received."
FAILED_MESSAGE = "Error occurred while upscaling the image, please try again!"
CANCELLED_MESSAGE = "This enhancement was cancelled."
RESTORE_MESSAGE = "Restore must be one of auto, off, strong."
QUALITY_CHECK_MIN_SIDE = 32

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


def too_large_file_message() -> str:
    return f"File too large. The maximum size is {settings.SRSITE_MAX_UPLOAD_MB} MB."


def too_many_pixels_message(width: int, height: int) -> str:
    return f"Image too large: {width}×{height} pixels. The maximum is {settings.SRSITE_MAX_INPUT_MP} megapixels."


def too_large_output_message(width: int, height: int) -> str:
    return (
        f"The result would be {width}×{height} pixels. The maximum is {settings.SRSITE_MAX_OUTPUT_MP} "
        "megapixels; choose a smaller scale."
    )


def too_large_export_message(label: str, max_side: int, width: int, height: int) -> str:
    return (
        f"The result is {width}×{height} pixels; a {label} image can be at most {max_side} pixels on a side. "
        "Please download it as PNG."
    )


# Per-user limits and throttles (429, or 413 for storage): what to do next is part of each message.
def too_many_jobs_message(active: int) -> str:
    return (
        f"You have {active} jobs queued or running and the most at once is {settings.SRSITE_MAX_ACTIVE_JOBS}. "
        "Please wait for some to finish."
    )


def too_many_megapixels_message(megapixels: float) -> str:
    return (
        f"Your queued jobs would make {megapixels:.0f} megapixels and the most at once is "
        f"{settings.SRSITE_MAX_QUEUED_MP}. Please wait for some to finish."
    )


def storage_full_message(megabytes: str) -> str:
    return (
        f"Your storage is full: this would keep {megabytes} MB of uploads; the most is "
        f"{settings.SRSITE_MAX_STORED_MB} MB. Please delete some enhancements first."
    )


def too_many_uploads_message(wait_seconds: int) -> str:
    return f"Too many uploads (at most {settings.SRSITE_UPLOAD_RATE}). Please try again in {wait_seconds} seconds."


def sign_in_locked_message() -> str:
    return f"Too many sign-in attempts. Please wait {settings.SRSITE_LOGIN_WINDOW_MINUTES} minutes and try again."


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def check_upload(upload) -> ImageInfo:
    """Decode ``upload`` (a Django UploadedFile) as a job will; ImageInfo, or EnhancementError with SPEC words."""
    if upload is None or not upload.size:
        raise EnhancementError(NO_FILE_MESSAGE)
    if upload.size > max_upload_bytes():
        raise EnhancementError(too_large_file_message(), status=413)
    upload.seek(0)
    try:
        image, fmt = mlcore.open_image(upload, check=_check_header)
        return ImageInfo(fmt, image.width, image.height)  # upright: EXIF orientation applied
    except mlcore.ImageError as exc:
        raise EnhancementError(str(exc)) from None
    except Image.DecompressionBombError:
        width, height = _header_size(upload)
        raise EnhancementError(too_many_pixels_message(width, height)) from None
    finally:
        upload.seek(0)


def _check_header(image: Image.Image) -> None:
    # Before any pixel is decoded: the format and the size the header claims.
    if image.format not in ACCEPTED_FORMATS:
        raise EnhancementError(mlcore.INVALID_IMAGE_MESSAGE)
    check_pixels(image.width, image.height)


def check_pixels(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise EnhancementError(mlcore.INVALID_IMAGE_MESSAGE)
    if width * height > settings.SRSITE_MAX_INPUT_MP * 1_000_000:
        raise EnhancementError(too_many_pixels_message(width, height))


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
    raise EnhancementError(mlcore.INVALID_IMAGE_MESSAGE)


def check_job(
    *, width: int, height: int, scale, model: str, quality_check: bool, restore: str = "auto"
) -> tuple[int, str, str]:
    """Validate scale, model, restore mode and output size; returns ``(scale, resolved_model, weights_hash)``."""
    if restore not in mlcore.RESTORE_MODES:
        raise EnhancementError(RESTORE_MESSAGE)
    try:
        scale = int(scale)
    except (TypeError, ValueError):
        raise EnhancementError(mlcore.SCALE_MESSAGE) from None
    if scale not in mlcore.SCALES:
        raise EnhancementError(mlcore.SCALE_MESSAGE)
    try:
        resolved, weights_hash = mlcore.resolve_model(model or "default", scale)
    except mlcore.ModelError as exc:
        raise EnhancementError(str(exc)) from None
    if quality_check:
        if min(width, height) < QUALITY_CHECK_MIN_SIDE:
            raise EnhancementError(
                f"The quality check needs an image of at least {QUALITY_CHECK_MIN_SIDE}×"
                f"{QUALITY_CHECK_MIN_SIDE} pixels."
            )
    elif width * scale * height * scale > settings.SRSITE_MAX_OUTPUT_MP * 1_000_000:
        raise EnhancementError(too_large_output_message(width * scale, height * scale))
    return scale, resolved, weights_hash
