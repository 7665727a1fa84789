"""Does another noise estimator tell heavy texture from noise better than the shipped one? The shipped estimate
(mlcore.restoration.noise_sigma: Immerkær's mask over 8×8 blocks, a low percentile of the blocks) beside the
PCA estimator of Chen, Zhu & Heng (ICCV 2015, "An Efficient Statistical Method for Image Noise Level
Estimation"): the covariance of 8×8 luma patches (stride 3), σ² the mean of the smallest eigenvalues, as many as
keep that mean equal to their median.

On the training images' held-out split (never a test set), luma of the LR at each scale, clean and with Gaussian
noise of each σ: each estimator's median and its 10th / 90th percentile, and how many images read at or above
mlcore.restoration.NOISE_SIGMA_THRESHOLD. A better router would read clean images low (textured ones too) and
noisy ones high. docs/restoration.md, "A texture gate for the noise route".

    .venv/bin/python benchmarks/noise_estimators.py --scale 4
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srsite.settings_engine")  # for SRSITE_DATA_ROOT

from django.conf import settings  # noqa: E402

from mlcore.data import held_out, make_pairs  # noqa: E402
from mlcore.degradations import Degradation, apply, image_seed  # noqa: E402
from mlcore.restoration import NOISE_SIGMA_THRESHOLD, noise_sigma  # noqa: E402


def chen_sigma(gray: np.ndarray, patch: int = 8, stride: int = 3) -> float:
    """Chen et al.'s estimate (0–255) of a uint8 luma image's Gaussian noise σ."""
    x = sliding_window_view(gray.astype(np.float64), (patch, patch))[::stride, ::stride].reshape(-1, patch * patch)
    x -= x.mean(axis=0)
    eigenvalues = np.linalg.eigvalsh(x.T @ x / len(x))  # ascending
    for k in range(len(eigenvalues), 0, -1):  # drop the largest until the rest are as many above as below their mean
        rest = eigenvalues[:k]
        tau = rest.mean()
        if (rest > tau).sum() == (rest < tau).sum():
            return float(np.sqrt(max(tau, 0.0)))
    return float(np.sqrt(max(eigenvalues[0], 0.0)))


ESTIMATORS = {"shipped (Immerkær, block percentile)": noise_sigma, "Chen et al. (PCA)": chen_sigma}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--data-root", type=Path, default=settings.SRSITE_DATA_ROOT)
    args = parser.parse_args()
    s = args.scale
    val = make_pairs(held_out(args.data_root), s)
    print(f"×{s}, {len(val)} validation images, luma of the LR: median (10th / 90th percentile) of each estimate,")
    print(f"and how many read σ ≥ {NOISE_SIGMA_THRESHOLD}")
    for sigma in (0, 5, 7.5, 10):
        sent = (apply(p.hr, s, Degradation(noise=sigma, seed=image_seed(p.name))) for p in val)
        grays = [np.asarray(image.convert("L")) for image in sent]
        cells = []
        for label, estimate in ESTIMATORS.items():
            read = np.array([estimate(g) for g in grays])
            low, mid, high = np.percentile(read, (10, 50, 90))
            over = int((read >= NOISE_SIGMA_THRESHOLD).sum())
            cells.append(f"{label} {mid:5.2f} ({low:5.2f} / {high:5.2f}), {over:2} ≥")
        print(f"σ {sigma:>4}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
