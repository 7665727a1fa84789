"""What every architecture shares: the LR → HR interface, its colour channels and receptive field.

Every network takes the LR image (N, C, h, w) in [0, 1] and returns (N, C, h*s, w*s); C is 1 for
``y`` networks (BT.601 luma) and 3 for ``rgb`` ones. Networks that work on a bicubic-enlarged input
(SRCNN) or learn a residual over it enlarge inside ``forward`` with :func:`bicubic_upsample`.
"""

import math
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from mlcore.imaging.resize import resize_weights

# LR pixels of context the MATLAB bicubic enlargement reads on each side (its kernel reaches ±2).
BICUBIC_MARGIN = 2


@lru_cache(maxsize=64)
def _resize_matrix(in_length: int, scale: int) -> np.ndarray:
    weights, indices = resize_weights(in_length, in_length * scale, float(scale))
    matrix = np.zeros((in_length * scale, in_length))
    np.add.at(matrix, (np.arange(matrix.shape[0])[:, None], indices), weights)
    return matrix


def bicubic_upsample(x: torch.Tensor, scale: int) -> torch.Tensor:
    """MATLAB's bicubic enlargement by an integer ``scale``: (N, C, h, w) → (N, C, h*s, w*s), unclipped.

    Written as two small dense matrices (out × in, edges mirrored as MATLAB), so it is exact at the
    borders and runs on any device; meant for tiles and patches, not whole large images.
    """
    rows = torch.from_numpy(_resize_matrix(x.shape[-2], scale)).to(x)  # (h*s, h)
    cols = torch.from_numpy(_resize_matrix(x.shape[-1], scale)).to(x)  # (w*s, w)
    return rows @ x @ cols.T


class SRNet(nn.Module):
    """Base class: subclasses set ``channels`` and implement ``core`` and ``lr_margin``.

    ``forward`` is the bicubic enlargement (when used) around ``core``, the learned part: ``core`` has no
    size-dependent constants, so an inference runtime can compile it once for every tile shape while the
    enlargement is computed outside it, together with the chroma's.
    """

    channels: str = "y"  # "y" (luma; chroma by bicubic) or "rgb"
    hr_space: bool = False  # True when ``core`` reads the bicubic enlargement instead of the LR image
    residual: bool = True  # True when the bicubic enlargement is added to ``core``'s output

    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale

    @property
    def in_channels(self) -> int:
        return 1 if self.channels == "y" else 3

    def core(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, h, w) LR (or (N, C, h*s, w*s) enlarged when ``hr_space``) → (N, C, h*s, w*s)."""
        raise NotImplementedError

    def forward(self, lr: torch.Tensor) -> torch.Tensor:
        """(N, C, h, w) in [0, 1] → (N, C, h*s, w*s), unclipped."""
        up = bicubic_upsample(lr, self.scale) if self.residual or self.hr_space else None
        out = self.core(up if self.hr_space else lr)
        return out + up if self.residual else out

    def lr_margin(self) -> int:
        """LR pixels of context each output pixel depends on, on each side (the tiling overlap)."""
        raise NotImplementedError

    @property
    def receptive_field(self) -> int:
        """Receptive field in LR pixels (a square of this side)."""
        return 2 * self.lr_margin() + 1

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def flops_per_output_mp(self, lr_size: int = 64) -> float:
        """FLOPs (2 × multiply-adds, convolutions and matmuls) per output megapixel."""
        from torch.utils.flop_counter import FlopCounterMode

        x = torch.zeros(1, self.in_channels, lr_size, lr_size)
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            self(x)
        return counter.get_total_flops() / (lr_size * self.scale) ** 2 * 1e6


def hr_to_lr_margin(hr_radius: int, scale: int) -> int:
    """LR context needed for a radius of ``hr_radius`` HR pixels computed on a bicubic enlargement."""
    return math.ceil(hr_radius / scale) + BICUBIC_MARGIN
