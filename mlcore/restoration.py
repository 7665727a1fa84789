"""Which model a photo needs: the clean model for clean input, the restoring model for compressed or
noisy input. Measured on the image itself, before anything decodes it further:

- JPEG quality from the luma quantisation table (Pillow exposes it on an opened JPEG): the IJG quality
  whose scaled Annex K table is nearest, as ImageMagick's ``identify`` estimates it;
- noise σ (on 0–255) from Immerkær's fast estimator (CVIU 1996) over 8×8 blocks of luma, taking a low
  percentile of the blocks so texture and edges, which the estimator mistakes for noise, are left out.

Thresholds were set on the training images' validation split (docs/restoration.md), never on test sets.
"""

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from mlcore import zoo

RESTORE_MODES = ("auto", "off", "strong")
# auto restores at or below this JPEG quality, or at or above this noise σ
JPEG_QUALITY_THRESHOLD = 90
# ... and at or below this quality (per scale) takes the scale's JPEG model where there is one: at ×2 (two JPEG
# models, two views each) it beats the photo model at every quality auto restores; ×3/×4 cross over at 82–85
HEAVY_JPEG_QUALITY = {2: 90, 3: 82, 4: 82}
# ... and at or below this one the scale's low-quality JPEG model instead, where there is one (×2)
LOW_JPEG_QUALITY = 60
NOISE_SIGMA_THRESHOLD = 7.5
NOISE_SAMPLE_SIDE = 1024  # the estimate reads at most this centre crop: enough blocks, bounded time
_BLOCK, _PERCENTILE = 8, 10
# The block-percentile estimate is biased low (the calmest blocks are also those whose noise came out
# smallest); this factor makes it read σ for Gaussian noise on the training images.
_NOISE_BIAS = 1.7
_UNCLIPPED_SHARE = 0.25  # the share of blocks free of clipped pixels needed to estimate from them alone

# IJG / JPEG Annex K luminance table, natural (row-major) order, as Pillow reports quantisation tables.
_LUMA_TABLE = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ],
    dtype=np.int64,
).ravel()


def _ijg_table(quality: int) -> np.ndarray:
    scaling = 5000 // quality if quality < 50 else 200 - 2 * quality
    return np.clip((_LUMA_TABLE * scaling + 50) // 100, 1, 255)


_IJG_TABLES = np.stack([_ijg_table(q) for q in range(1, 101)])  # (100, 64)


def jpeg_quality(image: Image.Image) -> int | None:
    """The IJG quality (1–100) nearest to the image's luma quantisation table; None if not a JPEG.

    Reads an opened JPEG's tables, or those ``open_image`` keeps in ``info`` when it rotates or converts one.
    """
    opened = image.format in {"JPEG", "MPO"}
    tables = getattr(image, "quantization", None) if opened else image.info.get("quantization")
    if not tables or 0 not in tables:
        return None
    table = np.asarray(tables[0], dtype=np.float64)
    if table.size != 64:
        return None
    error = np.abs(np.log(_IJG_TABLES) - np.log(np.maximum(table, 1))).sum(axis=1)
    return int(np.argmin(error)) + 1


def noise_sigma(gray: np.ndarray) -> float:
    """Estimated Gaussian noise σ (0–255 scale) of a uint8 luma image (H, W)."""
    h, w = gray.shape
    top, left = max((h - NOISE_SAMPLE_SIDE) // 2, 0), max((w - NOISE_SAMPLE_SIDE) // 2, 0)
    g = gray[top : top + NOISE_SAMPLE_SIDE, left : left + NOISE_SAMPLE_SIDE].astype(np.float32)
    if min(g.shape) < _BLOCK + 2:
        return 0.0
    # Immerkær's mask [[1, -2, 1], [-2, 4, -2], [1, -2, 1]] (a second difference across, then down): zero
    # on planes and ramps, so it answers mostly to noise; |response| averages 6σ·sqrt(2/π) for noise of σ.
    d = g[:, :-2] - 2 * g[:, 1:-1] + g[:, 2:]
    r = np.abs(d[:-2] - 2 * d[1:-1] + d[2:])
    bh, bw = r.shape[0] // _BLOCK, r.shape[1] // _BLOCK
    blocks = r[: bh * _BLOCK, : bw * _BLOCK].reshape(bh, _BLOCK, bw, _BLOCK).mean(axis=(1, 3))
    # A pixel at 0 or 255 was clipped and carries no noise: blown-out skies and black shadows are the calmest
    # blocks and would drag the percentile down. Leave out the blocks whose mask reads a clipped pixel, unless
    # that leaves too few (a drawing on white is mostly clipped and should read clean, from all its blocks).
    clipped = sliding_window_view((g == 0) | (g == 255), (3, 3)).any(axis=(2, 3))  # what each response reads
    unclipped = ~clipped[: bh * _BLOCK, : bw * _BLOCK].reshape(bh, _BLOCK, bw, _BLOCK).any(axis=(1, 3))
    if unclipped.mean() >= _UNCLIPPED_SHARE:
        blocks = blocks[unclipped]
    return float(_NOISE_BIAS * np.sqrt(np.pi / 2) / 6 * np.percentile(blocks, _PERCENTILE))


@dataclass(frozen=True)
class Inspection:
    """What the input says about itself: JPEG quality (None: not a JPEG) and estimated noise σ."""

    jpeg_quality: int | None
    noise_sigma: float

    @property
    def compressed(self) -> bool:
        return self.jpeg_quality is not None and self.jpeg_quality <= JPEG_QUALITY_THRESHOLD

    def heavily_compressed(self, scale: int) -> bool:
        return self.jpeg_quality is not None and self.jpeg_quality <= HEAVY_JPEG_QUALITY[scale]

    @property
    def badly_compressed(self) -> bool:
        return self.jpeg_quality is not None and self.jpeg_quality <= LOW_JPEG_QUALITY

    @property
    def degraded(self) -> bool:
        return self.compressed or self.noise_sigma >= NOISE_SIGMA_THRESHOLD


def inspect(image: Image.Image) -> Inspection:
    """Measure ``image``: as opened, or as ``open_image`` returns it (which keeps a JPEG's tables)."""
    return Inspection(jpeg_quality(image), round(noise_sigma(np.asarray(image.convert("L"))), 1))


# Which of ``default``'s models a choice took ("" for a model asked for by name): the clean model, the photo
# (restoring) model, or the scale's JPEG or noise model.
RESTORING_ROUTES = ("photo", "jpeg", "noise")
ROUTES = ("clean", *RESTORING_ROUTES)


@dataclass(frozen=True)
class ModelChoice:
    """The model ``upscale`` runs, and why: ``route`` says which of ``default``'s models it is (ROUTES)."""

    name: str
    weights_hash: str
    route: str
    restore: str  # the mode asked for: auto, off, strong
    inspection: Inspection | None  # measured only when ``auto`` had to decide

    @property
    def restoring(self) -> bool:
        """A restoring model (photo, JPEG or noise) was chosen."""
        return self.route in RESTORING_ROUTES


def check_restore(restore: str) -> str:
    if restore not in RESTORE_MODES:
        raise ValueError(f"Unknown restore mode {restore!r}; choose one of {', '.join(RESTORE_MODES)}.")
    return restore


def choose_model(image: Image.Image, *, scale: int, model: str = zoo.DEFAULT, restore: str = "auto") -> ModelChoice:
    """Resolve ``model`` at ``scale`` for this image. Only ``default`` is routed: with a restoring model
    for the scale, ``strong`` always takes it, ``auto`` when the image is a JPEG of quality ≤ 90 or
    noisy (σ ≥ 7.5), ``off`` never. Under ``auto`` a JPEG of quality ≤ ``HEAVY_JPEG_QUALITY[scale]`` (×2: 90,
    ×3/×4: 82) goes to the scale's JPEG model (≤ 60: its low-quality JPEG model) and noisy input that is not a
    JPEG of quality ≤ 90 to its denoising model, where the zoo declares them. A named model is used as named."""
    check_restore(restore)
    if model != zoo.DEFAULT:
        return ModelChoice(*zoo.resolve_model(model, scale), "", restore, None)
    restoring_name = zoo.restoring_model(scale)
    inspection = None
    route = "clean"
    if restoring_name and restore == "strong":
        route = "photo"
    elif restoring_name and restore == "auto":
        inspection = inspect(image)
        if inspection.degraded:
            route = "photo"
            if inspection.heavily_compressed(scale) and zoo.jpeg_model(scale):
                restoring_name, route = zoo.jpeg_model(scale), "jpeg"
                if inspection.badly_compressed and zoo.low_jpeg_model(scale):
                    restoring_name = zoo.low_jpeg_model(scale)
            elif not inspection.compressed and zoo.denoising_model(scale):
                restoring_name, route = zoo.denoising_model(scale), "noise"
    name, weights = zoo.resolve_model(model if route == "clean" else restoring_name, scale)
    return ModelChoice(name, weights, route, restore, inspection)


def routed_models(scale: int) -> list[str]:
    """Every model :func:`choose_model` may pick for ``default`` at ``scale``: the default, then the restoring,
    JPEG, low-quality JPEG and denoising models declared, each once (none of them without a restoring model:
    ``default`` is then never routed)."""
    if zoo.restoring_model(scale) is None:
        return [zoo.default_model(scale)]
    names = (zoo.default_model(scale), zoo.restoring_model(scale), zoo.jpeg_model(scale), zoo.low_jpeg_model(scale))
    return list(dict.fromkeys(name for name in (*names, zoo.denoising_model(scale)) if name))
