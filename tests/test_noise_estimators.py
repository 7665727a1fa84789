"""The benchmark's PCA noise estimator (Chen et al.) reads Gaussian noise on a flat or smooth image as its σ."""

import numpy as np
import pytest

from benchmarks.noise_estimators import chen_sigma


@pytest.mark.parametrize("sigma", [3.0, 10.0])
def test_chen_reads_the_sigma_of_white_noise_on_a_ramp(sigma):
    rng = np.random.default_rng(0)
    ramp = np.linspace(60, 190, 192)[None, :] + np.linspace(0, 20, 160)[:, None]  # structure the PCA must discount
    gray = np.clip(np.round(ramp + rng.normal(0, sigma, ramp.shape)), 0, 255).astype(np.uint8)
    assert chen_sigma(gray) == pytest.approx(sigma, rel=0.1)


def test_chen_reads_a_clean_ramp_as_almost_noiseless():
    ramp = np.linspace(60, 190, 192)[None, :] + np.linspace(0, 20, 160)[:, None]
    assert chen_sigma(np.round(ramp).astype(np.uint8)) < 1.0
