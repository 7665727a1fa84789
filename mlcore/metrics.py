"""PSNR and SSIM exactly per docs/spec.md §4's protocol.

8-bit images in (PIL or uint8 arrays); RGB compared on BT.601 luma, grayscale on its gray values;
``scale`` pixels shaved from each border; float64 maths; PSNR with peak 255; SSIM as Wang et al.
(Gaussian window 11, σ 1.5, K1 0.01, K2 0.03, 'valid' filtering, mean of the SSIM map).
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mlcore.imaging.colour import luma


def _prepare(a, b, scale: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"Images differ in shape: {a.shape} and {b.shape}.")
    ya, yb = luma(a), luma(b)
    if scale:
        ya, yb = ya[scale:-scale, scale:-scale], yb[scale:-scale, scale:-scale]
    if ya.size == 0:
        raise ValueError(f"Image {a.shape} is too small for a border of {scale} pixels.")
    return ya, yb


def psnr(a, b, *, scale: int) -> float:
    """PSNR in dB of two 8-bit images on luma; ``inf`` when identical."""
    ya, yb = _prepare(a, b, scale)
    mse = np.mean((ya - yb) ** 2)
    return math.inf if mse == 0 else 10.0 * math.log10(255.0**2 / mse)


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def _filter_valid(img: np.ndarray, g: np.ndarray) -> np.ndarray:
    # Separable 'valid' correlation: (H, W) → (H - 10, W - 10) for an 11-tap window.
    rows = sliding_window_view(img, g.size, axis=0) @ g
    return sliding_window_view(rows, g.size, axis=1) @ g


def ssim(a, b, *, scale: int) -> float:
    """Mean SSIM of two 8-bit images on luma (Wang et al. 2004)."""
    ya, yb = _prepare(a, b, scale)
    g = _gaussian_window()
    if min(ya.shape) < g.size:
        raise ValueError(f"Image {ya.shape} is smaller than the {g.size}-pixel SSIM window.")
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = _filter_valid(ya, g), _filter_valid(yb, g)
    var_a = _filter_valid(ya * ya, g) - mu_a**2
    var_b = _filter_valid(yb * yb, g) - mu_b**2
    cov = _filter_valid(ya * yb, g) - mu_a * mu_b
    ssim_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(ssim_map.mean())
