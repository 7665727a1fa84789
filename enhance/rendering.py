"""Pixels in, pixels out: the engine call (with the quality check) and the files a job writes."""

import io
from collections.abc import Callable

from PIL import Image

import mlcore
from enhance import png

THUMBNAIL_SIZE = (320, 320)
# The result page shows the result at most ~1,100 CSS px wide: a 1600-px WebP is sharp there (and on a
# 1.5x screen) at a few hundred KB; the full image is loaded only when the viewer zooms past fit.
PREVIEW_SIZE = (1600, 1600)
EXPORT_FORMATS = {"png": ("PNG", "image/png"), "jpeg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}
PNG_COMPRESS_LEVEL = 1
EXPORT_LABELS = {"png": "PNG", "jpeg": "JPEG", "webp": "WebP"}
# The largest side each encoder can write (WebP's is its bitstream's 14 bits; JPEG's its 16-bit header).
EXPORT_MAX_SIDE = {"png": 2**31 - 1, "jpeg": 65_535, "webp": 16_383}
DEFAULT_QUALITY = 92  # JPEG and WebP, unless the job chose another
# Each accepted format's extension on the stored original: the media view's Content-Type comes from it.
EXTENSIONS = {
    "JPEG": ".jpg",
    "MPO": ".jpg",
    "PNG": ".png",
    "WEBP": ".webp",
    "BMP": ".bmp",
    "TIFF": ".tif",
    "GIF": ".gif",
    "AVIF": ".avif",
    "HEIF": ".heic",
}

Progress = Callable[[int, int], None]


def upscale(
    image: Image.Image,
    *,
    scale: int,
    model: str,
    device: str,
    on_progress: Progress,
    size: tuple[int, int] | None = None,
) -> Image.Image:
    """The result of a plain job: ``image`` × ``scale``, one engine call; then resized down to ``size`` when
    the job asked for a target size (the scale is then the next one up that reaches it)."""
    return fit(mlcore.upscale(image, scale=scale, model=model, device=device, on_progress=on_progress), size)


def fit(result: Image.Image, size: tuple[int, int] | None) -> Image.Image:
    """``result`` resized to ``size`` with Lanczos (alpha premultiplied by Pillow, ICC profile kept); as it
    is when ``size`` is None or already its size."""
    if size is None or tuple(size) == result.size:
        return result
    result = _plain(result, ("RGB", "RGBA", "L", "LA"))
    resized = result.resize(tuple(size), Image.Resampling.LANCZOS)
    resized.info = {key: value for key, value in result.info.items() if key == "icc_profile"}
    return resized


def quality_check(
    image: Image.Image,
    *,
    scale: int,
    model: str,
    device: str,
    on_progress: Progress,
    size: tuple[int, int] | None = None,
    degradation: str = "clean",
    requested: str | None = None,
    restore: str = "auto",
) -> tuple[Image.Image, dict]:
    """A plain job's result (``image`` × ``scale``, resized to ``size`` if given) plus the quality check as
    an add-on: the upload as ground truth, downscaled, restored by ``model`` and by bicubic in a separate
    pass, and the PSNR/SSIM of both restorations against the upload (§4 protocol).

    ``degradation`` is done to the shrunk image first (``jpeg:50``, ``noise:10``: what ``evaluate
    --degradation`` does); when the job ``requested`` ``default``, it is routed again on that degraded image
    (with ``restore``), as it would be for an upload like it; the model used is ``check_model``.
    """
    # The upscale has scale² times the restorations' pixels: it gets most of the progress bar.
    result = upscale(image, scale=scale, model=model, device=device, on_progress=_part(on_progress, 0, 8), size=size)
    truth = mlcore.prepare(image)  # upright 8-bit RGB or gray, as the engine sees it
    low = mlcore.degrade(truth, scale=scale, degradation=degradation)
    check_model = model
    if requested not in (None, model):  # `default`: chosen again for the degraded image
        check_model = mlcore.choose_model(low, scale=scale, model=requested, restore=restore).name
    restored = mlcore.upscale(low, scale=scale, model=check_model, device=device, on_progress=_part(on_progress, 8, 1))
    bicubic = mlcore.upscale(low, scale=scale, model="bicubic", device=device, on_progress=_part(on_progress, 9, 1))
    truth = truth.crop((0, 0, *restored.size))  # the restorations are cropped to a multiple of scale
    metrics = {
        "psnr_model": mlcore.psnr(restored, truth, scale=scale),
        "ssim_model": mlcore.ssim(restored, truth, scale=scale),
        "psnr_bicubic": mlcore.psnr(bicubic, truth, scale=scale),
        "ssim_bicubic": mlcore.ssim(bicubic, truth, scale=scale),
        "check_model": check_model,
    }
    return result, metrics


def _part(on_progress: Progress, before: int, share: int) -> Progress:
    """Report one of several engine calls as a slice (``before`` and ``share`` out of 10) of the job."""

    def report(done: int, total: int) -> None:
        on_progress(before * total + share * done, 10 * total)

    return report


def encode(image: Image.Image, export: str = "png", quality: int = DEFAULT_QUALITY) -> bytes:
    """The image as PNG, JPEG or WebP bytes (``quality`` 1–100 for the lossy two), keeping its ICC profile and
    nothing else of its metadata."""
    fmt, _ = EXPORT_FORMATS[export]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = _flatten(image)
    # zlib level 1 for PNG: a 48-megapixel result encodes in 2.6 s instead of 13.3 s at Pillow's default 6, for
    # files 15 % larger; and on all cores in bands (enhance.png): 1.4 s instead of Pillow's 4.6 (docs/speed.md).
    if fmt == "PNG" and image.mode in png.COLOUR_TYPES:
        return png.encode(image, PNG_COMPRESS_LEVEL)
    options = {"compress_level": PNG_COMPRESS_LEVEL} if fmt == "PNG" else {"quality": quality}
    icc = image.info.get("icc_profile")
    if icc:
        options["icc_profile"] = icc
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def thumbnail(image: Image.Image) -> bytes:
    """A small WebP for the gallery (never the full image)."""
    return _display_webp(image, THUMBNAIL_SIZE, quality=80)


def preview(image: Image.Image) -> bytes:
    """The result page's display-sized WebP (longest side 1600 px, never enlarged)."""
    return _display_webp(image, PREVIEW_SIZE, quality=82)


def _display_webp(image: Image.Image, size: tuple[int, int], *, quality: int) -> bytes:
    small = image.copy()
    small.thumbnail(size, Image.Resampling.LANCZOS)
    small = _plain(small, ("RGB", "RGBA", "L"))  # what WebP holds
    options = {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}
    buffer = io.BytesIO()
    small.save(buffer, "WEBP", quality=quality, **options)
    return buffer.getvalue()


def _plain(image: Image.Image, modes: tuple[str, ...]) -> Image.Image:
    """``image`` as it is when its mode is one of ``modes``, else as RGBA (when it has alpha) or RGB."""
    if image.mode in modes:
        return image
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


def _flatten(image: Image.Image) -> Image.Image:
    # JPEG has no alpha: composite on white.
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    background.info["icc_profile"] = image.info.get("icc_profile")
    return background
