"""Benchmark evaluation per docs/spec.md §4's protocol: HR cropped to the scale, LR by MATLAB bicubic (8-bit),
8-bit outputs compared on luma with a ``scale``-pixel border; timing is inference only, after a warm-up.
A degradation (``jpeg:75``, ``noise:10``) is applied to that LR before every model, bicubic included.
"""

import dataclasses
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mlcore import zoo
from mlcore.degradations import Degradation, apply, image_seed
from mlcore.imaging import modcrop
from mlcore.metrics import psnr, ssim
from mlcore.restoration import routed_models

IMAGE_SUFFIXES = {".png", ".bmp", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"}


@dataclass
class ImageResult:
    image: str
    psnr: float
    ssim: float
    seconds: float
    output_pixels: int


@dataclass
class Row:
    model: str
    scale: int
    dataset: str
    psnr: float
    ssim: float
    seconds_per_mp: float
    images: int
    degradation: str = "clean"

    def as_dict(self) -> dict:
        return asdict(self)


def dataset_images(root: Path, dataset: str) -> list[Path]:
    """The HR images of ``root/dataset``; a missing or empty folder is an error, never a skip."""
    folder = Path(root) / dataset
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise FileNotFoundError(f"No images in {folder}.")
    return files


def evaluate_images(
    files: list[Path], model: str, scale: int, device: str = "cpu", degradation: Degradation | None = None
) -> Iterator[ImageResult]:
    """Each image's scores; ``default`` is routed per image (``restore="auto"``) as the site routes it."""
    from mlcore.inference import upscale

    degradation = degradation or Degradation()
    for path in files:
        hr = modcrop(np.asarray(Image.open(path)), scale)  # RGB (H, W, 3) or gray (H, W)
        # the LR as a user would send it: a JPEG stays an opened JPEG, so its quality can be read
        lr = apply(hr, scale, dataclasses.replace(degradation, seed=image_seed(path.stem, degradation.seed)))
        start = time.perf_counter()
        sr = np.asarray(upscale(lr, scale=scale, model=model, device=device))
        seconds = time.perf_counter() - start
        yield ImageResult(
            path.stem,
            psnr(sr, hr, scale=scale),
            ssim(sr, hr, scale=scale),
            seconds,
            sr.shape[0] * sr.shape[1],
        )


def warm_up(model: str, scale: int, device: str = "cpu") -> None:
    """Load the weights and run once, so timings measure inference alone: for ``default``, every model it may
    route an image to (a JPEG row of ``default`` would otherwise time the loading of the JPEG model)."""
    from mlcore.inference import upscale

    for name in routed_models(scale) if model == zoo.DEFAULT else [model]:
        upscale(Image.new("RGB", (48, 48), (120, 80, 40)), scale=scale, model=name, device=device)


def summarise(results: list[ImageResult], model: str, scale: int, dataset: str, degradation: str = "clean") -> Row:
    pixels = sum(r.output_pixels for r in results)
    return Row(
        model=model,
        scale=scale,
        dataset=dataset,
        psnr=float(np.mean([r.psnr for r in results])),
        ssim=float(np.mean([r.ssim for r in results])),
        seconds_per_mp=sum(r.seconds for r in results) / (pixels / 1e6),
        images=len(results),
        degradation=degradation,
    )
