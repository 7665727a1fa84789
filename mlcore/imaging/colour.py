"""BT.601 RGB ⇄ YCbCr, MATLAB's ``rgb2ycbcr`` convention, on arrays (..., 3) with values in [0, 1].

Y = 16/255 + (65.481 R + 128.553 G + 24.966 B) / 255, so Y lies in [16/255, 235/255].
"""

import numpy as np

_RGB_TO_YCBCR = np.array([[65.481, 128.553, 24.966], [-37.797, -74.203, 112.0], [112.0, -93.786, -18.214]]) / 255.0
_OFFSET = np.array([16.0, 128.0, 128.0]) / 255.0
_YCBCR_TO_RGB = np.linalg.inv(_RGB_TO_YCBCR)
# Luma from RGB, and what one step of luma adds to each of R, G and B (the same for all three: 255/219).
# Both conversions and the bicubic enlargement are linear, so a luma network's detail D on top of the
# enlarged chroma is, in RGB, the RGB enlargement plus Y_TO_RGB · D: no conversion at full size.
RGB_TO_Y, Y_OFFSET = _RGB_TO_YCBCR[0].copy(), float(_OFFSET[0])
Y_TO_RGB = float(_YCBCR_TO_RGB[0, 0])


def rgb_to_ycbcr(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) RGB in [0, 1] → (..., 3) YCbCr in [0, 1] (same float dtype, float64 for ints)."""
    dtype = rgb.dtype if np.issubdtype(rgb.dtype, np.floating) else np.float64
    return (rgb @ _RGB_TO_YCBCR.T.astype(dtype) + _OFFSET.astype(dtype)).astype(dtype)


def ycbcr_to_rgb(ycbcr: np.ndarray) -> np.ndarray:
    """(..., 3) YCbCr in [0, 1] → (..., 3) RGB in [0, 1], unclipped."""
    dtype = ycbcr.dtype
    return ((ycbcr - _OFFSET.astype(dtype)) @ _YCBCR_TO_RGB.T.astype(dtype)).astype(dtype)


def luma(img: np.ndarray) -> np.ndarray:
    """8-bit image → float64 luma on the 0–255 scale, the metric's channel.

    (H, W, 3) RGB → BT.601 Y in [16, 235]; (H, W) grayscale is compared on its gray values.
    """
    img = np.asarray(img)
    if img.ndim == 2:
        return img.astype(np.float64)
    return rgb_to_ycbcr(img[..., :3].astype(np.float64) / 255.0)[..., 0] * 255.0
