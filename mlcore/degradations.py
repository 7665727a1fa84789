"""Degradations that turn an HR image into the kind of LR people upload: blurred, downscaled by one of
several filters, noisy, and JPEG-compressed by real libjpeg (Pillow), not a differentiable stand-in.

The order and the kinds follow BSRGAN (Zhang et al., ICCV 2021) and Real-ESRGAN's first-order model
(Wang et al., ICCVW 2021): blur → downscale → noise → JPEG. The ranges are narrower than theirs because
our networks are small (0.1–0.5 M parameters) and must stay sharp on clean input: no second-order pass,
no sinc ringing, no Poisson noise, blur σ ≤ 0.6·scale, JPEG quality 30–95 (what phones and the web
produce) and a share of plain bicubic samples in every batch (docs/restoration.md says why).

All arrays are uint8 RGB (H, W, 3); an LR has exactly ``H/scale × W/scale`` pixels, aligned with the HR
as MATLAB's ``imresize`` aligns them, so patches stay paired.
"""

import io
import math
import zlib
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from mlcore.errors import DegradationError
from mlcore.imaging import imresize, modcrop


@dataclass(frozen=True)
class Degradation:
    """One LR recipe: every field fixed, so the same recipe gives the same LR (validation, evaluate)."""

    blur: tuple[float, float, float] | None = None  # (σx, σy, θ) in HR pixels, None: no blur
    resize: str = "bicubic"  # bicubic (MATLAB, antialiased), bilinear, area
    noise: float = 0.0  # Gaussian σ on 0–255
    noise_gray: bool = False  # the same noise on R, G, B (luma noise) instead of per channel
    jpeg: int | None = None  # Pillow JPEG quality, None: no compression
    seed: int = 0  # the noise's seed

    def describe(self) -> str:
        parts = []
        if self.blur:
            parts.append(f"blur σ {self.blur[0]:.2f}×{self.blur[1]:.2f}")
        if self.resize != "bicubic":
            parts.append(self.resize)
        if self.noise:
            parts.append(f"{'luma' if self.noise_gray else 'colour'} noise σ {self.noise:.1f}")
        if self.jpeg:
            parts.append(f"JPEG q{self.jpeg}")
        return ", ".join(parts) or "clean"


@dataclass(frozen=True)
class Realistic:
    """A distribution that training draws a ``Degradation`` from (``--degradation realistic``; ``PIPELINES``)."""

    clean_share: float = 0.2  # plain bicubic, nothing else: the clean case stays in every batch
    blur_prob: float = 0.3
    blur_sigma: tuple[float, float] = (0.2, 0.6)  # × scale, in HR pixels
    resize_weights: tuple[tuple[str, float], ...] = (("bicubic", 0.6), ("bilinear", 0.2), ("area", 0.2))
    noise_prob: float = 0.4
    noise_sigma: tuple[float, float] = (1.0, 10.0)
    noise_gray_prob: float = 0.4
    jpeg_prob: float = 0.8
    jpeg_quality: tuple[int, int] = (30, 95)

    def sample(self, rng: np.random.Generator, scale: int) -> Degradation:
        if rng.random() < self.clean_share:
            return Degradation(seed=int(rng.integers(2**31)))
        blur = None
        if rng.random() < self.blur_prob:
            lo, hi = (s * scale for s in self.blur_sigma)
            blur = (float(rng.uniform(lo, hi)), float(rng.uniform(lo, hi)), float(rng.uniform(0, math.pi)))
        names = [n for n, _ in self.resize_weights]
        weights = np.array([w for _, w in self.resize_weights])
        resize = names[rng.choice(len(names), p=weights / weights.sum())]
        noise = float(rng.uniform(*self.noise_sigma)) if rng.random() < self.noise_prob else 0.0
        gray = bool(rng.random() < self.noise_gray_prob)
        lo, hi = self.jpeg_quality
        jpeg = int(rng.integers(lo, hi + 1)) if rng.random() < self.jpeg_prob else None
        return Degradation(blur, resize, noise, gray, jpeg, int(rng.integers(2**31)))


# Noisy photos that are not JPEGs (``restore=auto`` sends JPEG files to the photo model): every non-clean sample
# noisy, σ around the router's threshold and above, little blur, no JPEG.
_NOISY = Realistic(clean_share=0.1, blur_prob=0.1, noise_prob=1.0, noise_sigma=(4.0, 16.0), jpeg_prob=0.0)
# What ``restore=auto`` sends to the photo model once noisy PNGs go to the noise model: JPEGs of quality ≤ 90
# (JPEG_QUALITY_THRESHOLD), some blurred, a few with mild sensor noise under the compression.
_JPEG = Realistic(
    clean_share=0.05, blur_prob=0.2, noise_prob=0.15, noise_sigma=(1.0, 5.0), jpeg_quality=(30, 90), jpeg_prob=1.0
)
# The "plain" second stages: a width-48/64 network spread over 40 % bilinear/area LRs (and "jpeg"'s 20 % blur)
# under-sharpens the common case, a plain bicubic downscale; here they are 10 % each.
_MOSTLY_BICUBIC = (("bicubic", 0.8), ("bilinear", 0.1), ("area", 0.1))
_JPEG_PLAIN = replace(_JPEG, clean_share=0.0, blur_prob=0.1, resize_weights=_MOSTLY_BICUBIC, noise_prob=0.1)
_NOISY_PLAIN = replace(_NOISY, resize_weights=_MOSTLY_BICUBIC)

PIPELINES = {
    "realistic": Realistic(),
    "noisy": _NOISY,
    # The noise model's second stage: "noisy" with mostly bicubic downscales under the noise.
    "noisy_plain": _NOISY_PLAIN,
    # "noisy_plain" with more plain bicubic samples: heavy clean texture reads as noise σ 7.5–9.5 and is sent to
    # the noise model, which should leave it alone (docs/restoration.md, "Clean texture in the noise model").
    "noisy_mixed": replace(_NOISY_PLAIN, clean_share=0.3),
    "jpeg": _JPEG,
    # The JPEG model's second stage: JPEGs of quality ≤ 90 (q ≤ 82 goes to it; the range keeps 75 inside the
    # quality span rather than at its edge), none clean, mostly plain bicubic downscales, less blur and noise.
    "jpeg_plain": _JPEG_PLAIN,
    # The ×2 JPEG ladder (docs/restoration.md, "Two JPEG models at ×2"): the JPEG model specialised on the middle
    # qualities it keeps (55–90 around its 61–82), a second model on the low end (30–70 around q ≤ 60), each
    # "jpeg_plain" otherwise, so the qualities each serves sit inside its range rather than at an edge.
    "jpeg_mid": replace(_JPEG_PLAIN, jpeg_quality=(55, 90)),
    "jpeg_low": replace(_JPEG_PLAIN, jpeg_quality=(30, 70)),
    # What ``restore=auto`` sent the JPEG model when this was tried (quality ≤ 78; docs/restoration.md): "jpeg" at
    # quality 30–78 only, none clean. No shipped model was trained on it.
    "jpeg_heavy": replace(_JPEG, clean_share=0.0, jpeg_quality=(30, 78)),
}


def parse(text: str) -> Degradation:
    """A fixed degradation from its name: ``clean``, ``jpeg:Q`` (1–100), ``noise:S`` (σ on 0–255)."""
    kind, _, value = text.partition(":")
    try:
        if kind == "clean" and not value:
            return Degradation()
        if kind == "jpeg" and 1 <= int(value) <= 100:
            return Degradation(jpeg=int(value))
        if kind == "noise" and 0 < float(value) <= 100:
            return Degradation(noise=float(value))
    except ValueError:
        pass
    raise DegradationError(text)


def canonical(d: Degradation) -> str:
    """The name ``parse`` reads back for a fixed degradation: ``clean``, ``jpeg:75``, ``noise:10``."""
    if d.jpeg:
        return f"jpeg:{d.jpeg}"
    if d.noise:
        return f"noise:{d.noise:g}"
    return "clean"


def degrade(image: Image.Image, scale: int, text: str, seed: int = 0) -> Image.Image:
    """The LR of an 8-bit RGB or gray PIL ``image`` under the named degradation (``parse``), as
    ``evaluate --degradation`` makes it: ``clean`` is the plain MATLAB-bicubic downscale; a JPEG stays an
    opened JPEG (its quality readable). ``seed`` fixes the noise, so the same call gives the same LR."""
    d = parse(text)
    return apply(np.asarray(image), scale, Degradation(jpeg=d.jpeg, noise=d.noise, seed=seed))


def gaussian_kernel(sigma_x: float, sigma_y: float, theta: float) -> np.ndarray:
    """A normalised (k, k) anisotropic Gaussian rotated by ``theta``; k covers ±3σ, odd, at most 21."""
    radius = min(10, math.ceil(3 * max(sigma_x, sigma_y)))
    c, s = math.cos(theta), math.sin(theta)
    rot = np.array([[c, -s], [s, c]])
    inv = np.linalg.inv(rot @ np.diag([sigma_x**2, sigma_y**2]) @ rot.T)
    ax = np.arange(-radius, radius + 1, dtype=np.float64)
    xy = np.stack(np.meshgrid(ax, ax, indexing="xy"), axis=-1)  # (k, k, 2) as (x, y)
    k = np.exp(-0.5 * np.einsum("...i,ij,...j->...", xy, inv, xy))
    return k / k.sum()


def blur(rgb: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``rgb`` (H, W, 3) or gray (H, W) uint8 convolved with ``kernel``, edges mirrored; float on 0–255."""
    import torch
    import torch.nn.functional as F

    if rgb.ndim == 2:
        return blur(rgb[..., None], kernel)[..., 0]
    r = kernel.shape[0] // 2
    x = torch.from_numpy(rgb.transpose(2, 0, 1).astype(np.float32))[:, None]  # (3, 1, H, W)
    x = F.pad(x, (r, r, r, r), mode="reflect")
    k = torch.from_numpy(kernel.astype(np.float32))[None, None]  # (1, 1, k, k)
    return F.conv2d(x, k)[:, 0].numpy().transpose(1, 2, 0)


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return np.clip(np.floor(x + 0.5), 0, 255).astype(np.uint8)


def _resize(hr: np.ndarray, scale: int, method: str) -> np.ndarray:
    if method == "bicubic":
        return imresize(hr, 1 / scale)
    size = (hr.shape[1] // scale, hr.shape[0] // scale)
    flt = {"bilinear": Image.Resampling.BILINEAR, "area": Image.Resampling.BOX}[method]
    return np.asarray(Image.fromarray(hr).resize(size, flt))  # Pillow's reductions are antialiased


def jpeg_round_trip(rgb: np.ndarray, quality: int) -> Image.Image:
    """Encode with libjpeg at ``quality`` (4:2:0, as cameras and the web) and decode: the opened JPEG,
    so its quantisation tables stay readable (``Image.quantization``)."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality)
    buf.seek(0)
    img = Image.open(buf)
    img.load()
    return img


def apply(hr: np.ndarray, scale: int, d: Degradation) -> Image.Image:
    """The LR of ``hr`` (uint8 RGB or gray, cropped to the scale) under ``d``, as the PIL image a user would send."""
    hr = modcrop(hr, scale)
    src = hr if d.blur is None else _to_uint8(blur(hr, gaussian_kernel(*d.blur)))
    lr = _resize(src, scale, d.resize)
    if d.noise:
        rng = np.random.default_rng(d.seed)
        shape = (*lr.shape[:2], 1) if d.noise_gray else lr.shape
        lr = _to_uint8(lr.astype(np.float64) + rng.normal(0.0, d.noise, shape))
    if d.jpeg:
        return jpeg_round_trip(lr, d.jpeg)
    return Image.fromarray(lr)


def image_seed(name: str, seed: int = 0) -> int:
    """A stable per-image seed (the same across runs and machines, unlike ``hash``)."""
    return zlib.crc32(name.encode()) ^ seed
