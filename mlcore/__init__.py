"""The super-resolution engine. Its public API (docs/spec.md §4) is what this module exports; nothing else is
imported from outside mlcore.

Image convention, written down once: tensors are NCHW float in [0, 1]; PIL images and uint8 arrays
(H, W) or (H, W, C) at the edges; metrics in float64 on BT.601 luma with ``crop_border = scale``.

Importing ``mlcore`` is cheap: torch is imported only when a model runs.
"""

from mlcore.errors import (
    SCALES,
    AnimatedImageError,
    DegradationError,
    ImageError,
    ModelError,
    ScaleError,
    UndecodableImageError,
    UnknownModelError,
)
from mlcore.imaging import downscale, open_image, prepare
from mlcore.metrics import psnr, ssim
from mlcore.restoration import JPEG_QUALITY_THRESHOLD, RESTORE_MODES, RESTORING_ROUTES, ROUTES

__all__ = [
    "JPEG_QUALITY_THRESHOLD",
    "RESTORE_MODES",
    "RESTORING_ROUTES",
    "ROUTES",
    "SCALES",
    "AnimatedImageError",
    "DegradationError",
    "ImageError",
    "ModelError",
    "ScaleError",
    "UndecodableImageError",
    "UnknownModelError",
    "choose_model",
    "degrade",
    "downscale",
    "list_models",
    "open_image",
    "parse_degradation",
    "prepare",
    "psnr",
    "resolve_device",
    "resolve_model",
    "ssim",
    "upscale",
    "weights_problems",
]


def upscale(image, *, scale, model="default", device="auto", tile=None, on_progress=None, restore="auto"):
    """Upscale a PIL image by ``scale`` (2, 3 or 4) with a zoo model; returns a new PIL image.

    ``on_progress(done, total)`` is called as tiles finish; an exception raised from it aborts the call
    between tiles. ``tile`` is the tile side in input pixels (None: a size that bounds memory).
    ``restore`` (``auto``, ``off``, ``strong``) routes ``default`` to the restoring model for JPEG or
    noisy input (see :func:`choose_model`).
    """
    from mlcore.inference import upscale as _upscale

    return _upscale(image, scale=scale, model=model, device=device, tile=tile, on_progress=on_progress, restore=restore)


def choose_model(image, *, scale, model="default", restore="auto"):
    """The ``ModelChoice`` ``upscale`` makes for this image: name, weights hash, which of ``default``'s
    models it took (``route``: clean, photo, jpeg or noise; "" for a named model; ``restoring`` when not
    clean) and the measured JPEG quality and noise σ. Call it on the image as opened (before
    rotating or converting it), then pass ``choice.name`` to ``upscale``."""
    from mlcore.restoration import choose_model as _choose_model

    return _choose_model(image, scale=scale, model=model, restore=restore)


def degrade(image, *, scale, degradation="clean"):
    """The low-resolution image a quality check restores: ``image`` (8-bit RGB or gray, see :func:`prepare`)
    shrunk by ``scale`` with MATLAB's bicubic, then degraded as ``evaluate --degradation`` does it
    (``clean``, ``jpeg:Q``, ``noise:S``; the noise has a fixed seed). DegradationError for other names."""
    from mlcore.degradations import degrade as _degrade

    return _degrade(image, scale, degradation)


def parse_degradation(text):
    """The canonical name of a degradation (``"JPEG:075"`` → ``"jpeg:75"``); DegradationError if unknown."""
    from mlcore.degradations import canonical, parse

    return canonical(parse(str(text).strip().lower()))


def resolve_device(device="auto"):
    """``"auto"`` → ``"cuda"`` when available, else ``"cpu"``; ``"cpu"``/``"cuda"`` are checked."""
    from mlcore.inference import resolve_device as _resolve_device

    return _resolve_device(device)


def resolve_model(name, scale):
    """``(name, weights_hash)`` for a zoo name or ``"default"`` at ``scale``; ModelError if unknown."""
    from mlcore.zoo import resolve_model as _resolve_model

    return _resolve_model(name, scale)


def list_models():
    """The zoo as plain data: name, scales, channels, parameters, FLOPs/MP, PSNR, default per scale."""
    from mlcore.zoo import list_models as _list_models

    return _list_models()


def weights_problems():
    """Messages for every shipped model whose weights are missing or corrupt (empty when all is well)."""
    from mlcore.zoo import weights_problems as _weights_problems

    return _weights_problems()
