"""PIL images in and out of the engine: orientation, modes, alpha, ICC, metadata.

Everything the network sees is 8-bit RGB (H, W, 3) or gray (H, W); alpha travels beside it.
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps

from mlcore.errors import AnimatedImageError, UndecodableImageError


@dataclass
class Pixels:
    """An image taken apart: ``colour`` is uint8 (H, W, 3) RGB or (H, W) gray; ``alpha`` (H, W) or None."""

    colour: np.ndarray
    alpha: np.ndarray | None = None
    icc_profile: bytes | None = None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height), as PIL."""
        return self.colour.shape[1], self.colour.shape[0]


def _sixteen_bit_to_gray(img: Image.Image) -> Image.Image:
    # I;16 / I hold 0–65535; map linearly to 0–255 rather than clipping at 255 as convert("L") does.
    data = np.asarray(img, dtype=np.float64)
    peak = 65535.0 if data.max(initial=0) > 255 or img.mode.startswith("I;16") else 255.0
    return Image.fromarray(np.clip(np.floor(data / peak * 255.0 + 0.5), 0, 255).astype(np.uint8), "L")


def _normalise_mode(img: Image.Image) -> Image.Image:
    """Any PIL mode → one of RGB, RGBA, L, LA."""
    mode = img.mode
    if mode in {"RGB", "RGBA", "L", "LA"}:
        return img
    if mode == "P":
        return img.convert("RGBA" if "transparency" in img.info else "RGB")
    if mode == "PA":
        return img.convert("RGBA")
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I") or mode == "F":
        return _sixteen_bit_to_gray(img)
    if mode == "La":
        return img.convert("LA")
    if mode in {"RGBa", "RGBX"}:
        return img.convert("RGBA" if mode == "RGBa" else "RGB")
    return img.convert("RGB")  # CMYK, YCbCr, LAB, HSV


def is_animated(img: Image.Image) -> bool:
    """Several frames meant to be played. A multi-frame JPEG (Pillow's MPO: a camera's picture followed by
    previews or a stereo pair) is a still photo: every viewer shows its first frame, and so does the engine."""
    if img.format == "MPO":
        return False
    return bool(getattr(img, "is_animated", False)) and getattr(img, "n_frames", 1) > 1


def open_image(file: BinaryIO, *, check: Callable[[Image.Image], None] | None = None) -> tuple[Image.Image, str]:
    """Read an image file exactly as the engine uses it: ``(image, format)``, the image upright, 8-bit RGB, RGBA,
    L or LA, one frame (a multi-frame JPEG's first), ICC profile kept, fully decoded; ``format`` is Pillow's name.

    The one decode shared by upload checks and jobs, so an accepted upload never fails in the worker on its
    file. ``check(image)`` sees the image as opened (format, header size, a JPEG's quantisation tables), before
    this function decodes it: it may raise to refuse it before its pixels are read, or measure it as opened.
    Raises AnimatedImageError or UndecodableImageError for anything else the engine cannot use;
    ``PIL.Image.DecompressionBombError`` for a header claiming far more pixels than Pillow will open.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the caller's check judges size
            img = Image.open(file)
    except Image.DecompressionBombError:
        raise
    except Exception as exc:  # decoders of hostile bytes raise many types (struct.error, IndexError, …)
        raise UndecodableImageError(f"{type(exc).__name__}: {exc}") from exc
    if check is not None:
        check(img)
    try:
        animated = is_animated(img)  # counting frames reads the file too (a corrupt TIFF fails here)
        if not animated:
            img.load()  # a truncated or corrupt file fails here
            return _upright(img), img.format
    except Exception as exc:
        raise UndecodableImageError(f"{type(exc).__name__}: {exc}") from exc
    raise AnimatedImageError(img.n_frames)


def _upright(img: Image.Image) -> Image.Image:
    """EXIF orientation applied and the mode normalised; the ICC profile kept unless the colours were
    converted away from it (CMYK → RGB), and a JPEG's quantisation tables kept in ``info``."""
    quantization = getattr(img, "quantization", None)  # a JPEG's tables, read by mlcore.restoration
    img = ImageOps.exif_transpose(img)
    icc = img.info.get("icc_profile") if img.mode not in {"CMYK"} else None
    img = _normalise_mode(img)
    img.info = {"icc_profile": icc} if icc else {}
    if quantization:
        img.info["quantization"] = quantization
    return img


def to_pixels(img: Image.Image) -> Pixels:
    """Decode a PIL image for the engine: refuse animation, apply EXIF orientation, normalise the mode."""
    if is_animated(img):
        raise AnimatedImageError(img.n_frames)
    try:
        img = _upright(img)
        data = np.asarray(img)
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or undecodable data
        raise UndecodableImageError(f"{type(exc).__name__}: {exc}") from exc
    icc = img.info.get("icc_profile")
    if img.mode in {"RGBA", "LA"}:
        return Pixels(
            colour=np.ascontiguousarray(data[..., :-1].squeeze(-1) if img.mode == "LA" else data[..., :3]),
            alpha=np.ascontiguousarray(data[..., -1]),
            icc_profile=icc,
        )
    return Pixels(colour=np.ascontiguousarray(data), icc_profile=icc)


def to_image(pixels: Pixels) -> Image.Image:
    """Reassemble a PIL image: RGB/L plus alpha as RGBA/LA; ICC re-attached; no other metadata."""
    img = Image.fromarray(pixels.colour, "RGB" if pixels.colour.ndim == 3 else "L")
    if pixels.alpha is not None:
        img.putalpha(Image.fromarray(pixels.alpha, "L"))
    if pixels.icc_profile:
        img.info["icc_profile"] = pixels.icc_profile
    return img
