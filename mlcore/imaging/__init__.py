"""Image handling for the engine: MATLAB-compatible resize, BT.601 colour, PIL in and out."""

import numpy as np
from PIL import Image

from mlcore.imaging.colour import luma, rgb_to_ycbcr, ycbcr_to_rgb
from mlcore.imaging.pil import Pixels, is_animated, open_image, to_image, to_pixels
from mlcore.imaging.resize import imresize, modcrop, resize_weights

__all__ = [
    "Pixels",
    "downscale",
    "imresize",
    "is_animated",
    "luma",
    "modcrop",
    "open_image",
    "prepare",
    "resize_weights",
    "rgb_to_ycbcr",
    "to_image",
    "to_pixels",
    "ycbcr_to_rgb",
]


def prepare(image: Image.Image) -> Image.Image:
    """The image as the engine sees it: upright, 8-bit RGB or gray, ICC kept, alpha and metadata dropped.

    What a quality check treats as ground truth, so it is normalised exactly as ``upscale`` normalises.
    """
    pixels = to_pixels(image)
    return to_image(Pixels(colour=pixels.colour, icc_profile=pixels.icc_profile))


def downscale(image: Image.Image | np.ndarray, scale: int) -> Image.Image | np.ndarray:
    """Crop to a multiple of ``scale``, then shrink by it with MATLAB's antialiased bicubic (8-bit).

    Takes and returns a PIL image (alpha shrunk alike, ICC kept) or a uint8 array.
    """
    if isinstance(image, np.ndarray):
        return imresize(modcrop(image, scale), 1 / scale)
    pixels = to_pixels(image)
    alpha = None if pixels.alpha is None else downscale(pixels.alpha, scale)
    return to_image(Pixels(colour=downscale(pixels.colour, scale), alpha=alpha, icc_profile=pixels.icc_profile))
