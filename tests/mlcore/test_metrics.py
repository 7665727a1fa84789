import math

import numpy as np
import pytest

from mlcore import psnr, ssim
from mlcore.imaging import luma, rgb_to_ycbcr, ycbcr_to_rgb

from .conftest import photo


def test_identical_images_have_infinite_psnr_and_unit_ssim():
    img = np.asarray(photo(40, 30))
    assert psnr(img, img, scale=2) == math.inf
    assert ssim(img, img, scale=2) == pytest.approx(1.0)


def test_psnr_of_a_known_error_on_luma():
    gray = np.full((20, 20), 100, dtype=np.uint8)
    assert psnr(gray, gray + 1, scale=0) == pytest.approx(10 * math.log10(255**2))


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="differ in shape"):
        psnr(np.zeros((10, 10), np.uint8), np.zeros((10, 12), np.uint8), scale=2)
    with pytest.raises(ValueError, match="differ in shape"):
        ssim(np.zeros((20, 20, 3), np.uint8), np.zeros((20, 20), np.uint8), scale=2)


def test_border_of_scale_pixels_is_ignored():
    a = np.full((30, 30), 50, dtype=np.uint8)
    b = a.copy()
    b[:3, :] = 255  # differences only inside a 3-pixel border
    assert psnr(a, b, scale=3) == math.inf
    assert psnr(a, b, scale=2) < 40


def test_rgb_is_compared_on_bt601_luma():
    rgb = np.zeros((1, 1, 3), dtype=np.uint8)
    rgb[0, 0] = (255, 255, 255)
    assert luma(rgb)[0, 0] == pytest.approx(235.0)
    assert luma(np.zeros((1, 1, 3), np.uint8))[0, 0] == pytest.approx(16.0)


def test_ycbcr_round_trip(rng):
    rgb = rng.random((8, 8, 3))
    assert np.allclose(ycbcr_to_rgb(rgb_to_ycbcr(rgb)), rgb)


def test_ssim_falls_with_noise(rng):
    img = np.asarray(photo(64, 64))
    noisy = np.clip(img + rng.normal(0, 20, img.shape), 0, 255).astype(np.uint8)
    assert 0 < ssim(img, noisy, scale=2) < 0.9
