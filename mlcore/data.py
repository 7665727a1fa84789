"""Training data: HR images with their LR made once (the project's MATLAB bicubic), patches cut from
memory with flips and 90° rotations. Two cores cannot afford a resize per step.

Arrays are float32 in [0, 1], (H, W, C) with C = 1 (luma) for ``y`` networks and 3 for ``rgb`` ones.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from PIL import Image

from mlcore.evaluation import IMAGE_SUFFIXES
from mlcore.imaging import imresize, modcrop, rgb_to_ycbcr

TRAINING_SETS = ("T91", "BSD200")  # train's default --data, folders under SRSITE_DATA_ROOT
VAL_SPLIT, SPLIT_SEED = 0.1, 0  # train's default --val-split and --split-seed
T = TypeVar("T")


@dataclass
class Pair:
    name: str
    lr: np.ndarray  # (h, w, 3) uint8 RGB
    hr: np.ndarray  # (h*s, w*s, 3) uint8 RGB


def image_files(folders: list[Path]) -> list[Path]:
    files = []
    for folder in folders:
        found = sorted(p for p in Path(folder).glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        if not found:
            raise FileNotFoundError(f"No training images in {folder}.")
        files += found
    return files


def _rgb(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))


def make_pairs(files: list[Path], scale: int) -> list[Pair]:
    """HR images cropped to the scale, LR by MATLAB bicubic rounded to 8 bits (as at test time)."""
    return [_bicubic_pair(path.stem, _rgb(path), scale) for path in files]


def _bicubic_pair(name: str, hr: np.ndarray, scale: int) -> Pair:
    """``hr`` modcropped to the scale and its LR by MATLAB bicubic, rounded to 8 bits."""
    hr = modcrop(hr, scale)
    return Pair(name, imresize(hr, 1 / scale), hr)


def rescaled(pairs: list[Pair], factors: tuple[float, ...], scale: int) -> list[Pair]:
    """The pairs and, for each factor, every HR image shrunk by it (the project's bicubic, modcropped) with its LR
    made from that: the scale augmentation VDSR and FSRCNN trained with (factors 0.9–0.6 in their papers). A
    shrunk photo has more detail per pixel and less of its JPEG and sensor noise. For training pairs made with
    :func:`make_pairs`; validation stays at the images' own scale."""
    shrunk = [_bicubic_pair(f"{p.name}@{factor:g}", imresize(p.hr, factor), scale) for factor in factors for p in pairs]
    return [*pairs, *shrunk]


def paired_pairs(lr_dir: Path, hr_dir: Path, scale: int) -> list[Pair]:
    """A ready-made LR/HR layout (like the report's Kaggle set): files paired by name."""
    hr_files = {p.stem: p for p in image_files([hr_dir])}
    pairs = []
    for lr_path in image_files([lr_dir]):
        if lr_path.stem not in hr_files:
            raise FileNotFoundError(f"No HR image named {lr_path.stem} in {hr_dir}.")
        lr = _rgb(lr_path)
        hr = _rgb(hr_files[lr_path.stem])[: lr.shape[0] * scale, : lr.shape[1] * scale]
        if hr.shape[:2] != (lr.shape[0] * scale, lr.shape[1] * scale):
            raise ValueError(f"{lr_path.name}: HR is not {scale}× the LR size.")
        pairs.append(Pair(lr_path.stem, lr, hr))
    return pairs


def split(pairs: list[T], fraction: float, seed: int) -> tuple[list[T], list[T]]:
    """(train, validation): a seeded random ``fraction`` of the images held out for validation."""
    order = np.random.default_rng(seed).permutation(len(pairs))
    n_val = max(1, round(len(pairs) * fraction)) if fraction > 0 else 0
    val = [pairs[i] for i in sorted(order[:n_val])]
    train = [pairs[i] for i in sorted(order[n_val:])]
    return train, val


def held_out(root: Path) -> list[Path]:
    """The HR images ``train`` validates on by default, so the images its cards' validation numbers come from
    (``evaluate --datasets validation``): a model can be chosen on them as served, never on a test set."""
    return split(image_files([Path(root) / name for name in TRAINING_SETS]), VAL_SPLIT, SPLIT_SEED)[1]


def network_input(rgb: np.ndarray, channels: str) -> np.ndarray:
    """uint8 RGB (H, W, 3) → float32 (H, W, C) in [0, 1]: luma for ``y`` networks, RGB otherwise."""
    x = rgb.astype(np.float32) / 255.0
    return rgb_to_ycbcr(x)[..., :1] if channels == "y" else x


def _usable(pairs: list[Pair], patch_size: int) -> list[Pair]:
    usable = [p for p in pairs if min(p.lr.shape[:2]) >= patch_size]
    if not usable:
        raise ValueError(f"No training image is at least {patch_size} LR pixels on a side.")
    return usable


def _area_weights(pairs: list[Pair]) -> np.ndarray:
    """Each image's share of the patches: big images give proportionally more."""
    areas = np.array([p.lr.shape[0] * p.lr.shape[1] for p in pairs], dtype=np.float64)
    return areas / areas.sum()


class PatchSampler:
    """Random aligned LR/HR patches with the 8 flips/rotations, from images held in memory."""

    def __init__(self, pairs: list[Pair], scale: int, patch_size: int, channels: str, seed: int):
        self.scale, self.patch = scale, patch_size
        usable = _usable(pairs, patch_size)
        self.lr = [network_input(p.lr, channels) for p in usable]
        self.hr = [network_input(p.hr, channels) for p in usable]
        self.weights = _area_weights(usable)
        self.rng = np.random.default_rng(seed)

    def batch(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """(N, C, p, p) LR and (N, C, p*s, p*s) HR float32 batches."""
        p, s = self.patch, self.scale
        lrs, hrs = [], []
        for i in self.rng.choice(len(self.lr), size=size, p=self.weights):
            lr, hr = self.lr[i], self.hr[i]
            y = self.rng.integers(0, lr.shape[0] - p + 1)
            x = self.rng.integers(0, lr.shape[1] - p + 1)
            a, b = lr[y : y + p, x : x + p], hr[y * s : (y + p) * s, x * s : (x + p) * s]
            k, flip = self.rng.integers(0, 4), self.rng.integers(0, 2)
            a, b = np.rot90(a, k), np.rot90(b, k)
            if flip:
                a, b = a[:, ::-1], b[:, ::-1]
            lrs.append(a.transpose(2, 0, 1))
            hrs.append(b.transpose(2, 0, 1))
        return np.ascontiguousarray(np.stack(lrs)), np.ascontiguousarray(np.stack(hrs))


class DegradingSampler:
    """Random HR patches with the 8 flips/rotations, each LR made on the fly by a degradation drawn from
    ``pipeline`` (blur, resize, noise, real JPEG): the network sees what users upload, never the same LR
    twice. Same interface as :class:`PatchSampler`."""

    def __init__(self, pairs: list[Pair], scale: int, patch_size: int, channels: str, seed: int, pipeline):
        self.scale, self.patch, self.channels, self.pipeline = scale, patch_size, channels, pipeline
        usable = _usable(pairs, patch_size)
        self.hr = [p.hr for p in usable]
        self.weights = _area_weights(usable)
        self.rng = np.random.default_rng(seed)

    def batch(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """(N, C, p, p) LR and (N, C, p*s, p*s) HR float32 batches."""
        from mlcore.degradations import apply

        q = self.patch * self.scale
        lrs, hrs = [], []
        for i in self.rng.choice(len(self.hr), size=size, p=self.weights):
            hr = self.hr[i]
            y = self.rng.integers(0, hr.shape[0] // self.scale - self.patch + 1) * self.scale
            x = self.rng.integers(0, hr.shape[1] // self.scale - self.patch + 1) * self.scale
            k, flip = self.rng.integers(0, 4), self.rng.integers(0, 2)
            b = np.rot90(hr[y : y + q, x : x + q], k)
            b = np.ascontiguousarray(b[:, ::-1] if flip else b)
            a = np.asarray(apply(b, self.scale, self.pipeline.sample(self.rng, self.scale)).convert("RGB"))
            lrs.append(network_input(a, self.channels).transpose(2, 0, 1))
            hrs.append(network_input(b, self.channels).transpose(2, 0, 1))
        return np.ascontiguousarray(np.stack(lrs)), np.ascontiguousarray(np.stack(hrs))


def degrade_pairs(pairs: list[Pair], scale: int, pipeline, seed: int) -> list[Pair]:
    """Validation pairs with one fixed degradation per image (drawn from ``pipeline``, seeded by name)."""
    from mlcore.degradations import apply, image_seed

    out = []
    for p in pairs:
        d = pipeline.sample(np.random.default_rng(image_seed(p.name, seed)), scale)
        out.append(Pair(p.name, np.asarray(apply(p.hr, scale, d).convert("RGB")), p.hr))
    return out
