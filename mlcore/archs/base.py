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
from torch.nn import functional as F

from mlcore.imaging.resize import resize_weights

# LR pixels of context the MATLAB bicubic enlargement reads on each side (its kernel reaches ±2).
BICUBIC_MARGIN = 2


_TAPS = 3  # LR pixels the bicubic kernel can reach on each side of an output's nearest input (±2, +1 spare)


@lru_cache(maxsize=8)
def _phase_kernels(scale: int) -> np.ndarray:
    """(s, 2·_TAPS + 1): output ``k·s + p`` is kernel ``p`` applied around input ``k``.

    An integer enlargement repeats the same ``s`` kernels along the line, so they are read off one
    interior row of MATLAB's weights; the edges are handled by mirroring the input, as MATLAB does.
    """
    n, k = 4 * _TAPS + 2, 2 * _TAPS + 1  # a line long enough that input k is interior
    weights, indices = resize_weights(n, n * scale, float(scale))
    kernels = np.zeros((scale, 2 * _TAPS + 1))
    for phase in range(scale):
        np.add.at(kernels[phase], indices[k * scale + phase] - k + _TAPS, weights[k * scale + phase])
    return kernels


def bicubic_phase_bank(scale: int) -> tuple[np.ndarray, int]:
    """MATLAB's bicubic enlargement as one convolution: ``(bank, reach)``.

    ``bank`` is (s², 1, k, k) with k = 2·reach + 1: output channel ``p·s + q`` of a valid convolution over the
    input mirrored by ``reach`` pixels is the output phase (p, q), so a pixel shuffle of the result is the
    enlargement. The outer products of :func:`_phase_kernels`, trimmed to the taps that are ever used.
    """
    kernels = _phase_kernels(scale)
    used = np.flatnonzero(np.abs(kernels).sum(axis=0))
    reach = int(max(_TAPS - used.min(), used.max() - _TAPS))
    kernels = kernels[:, _TAPS - reach : _TAPS + reach + 1]  # (s, k)
    bank = np.einsum("pi,qj->pqij", kernels, kernels).reshape(scale * scale, 1, 2 * reach + 1, 2 * reach + 1)
    return bank.astype(np.float32), reach


@lru_cache(maxsize=64)
def _mirrored(length: int) -> np.ndarray:
    """Indices of a line padded by _TAPS on each side, edges repeated symmetrically (MATLAB's padding)."""
    mirror = np.concatenate([np.arange(length), np.arange(length - 1, -1, -1)])
    return mirror[np.mod(np.arange(-_TAPS, length + _TAPS), 2 * length)]


def _enlarge_rows(x: torch.Tensor, scale: int) -> torch.Tensor:
    """(M, h, w) → (M, h*s, w): phase ``p`` is a weighted sum of the mirrored input shifted by each tap.

    Shifted slices and in-place adds: on a CPU this beat a convolution, an unfold-matmul and the dense
    resize matrix (docs/speed.md), and it is the same code on CUDA.
    """
    m, h, w = x.shape
    padded = x.index_select(1, torch.from_numpy(_mirrored(h)).to(x.device))  # (M, h + 2·taps, w)
    out = x.new_zeros(m, h, scale, w)
    for phase, kernel in enumerate(_phase_kernels(scale)):
        for tap, weight in enumerate(kernel):
            if weight:
                out[:, :, phase].add_(padded[:, tap : tap + h], alpha=float(weight))
    return out.reshape(m, h * scale, w)


def bicubic_upsample(x: torch.Tensor, scale: int) -> torch.Tensor:
    """MATLAB's bicubic enlargement by an integer ``scale``: (..., h, w) → (..., h*s, w*s), unclipped.

    Separable, each direction as ``s`` short filters over the mirrored input, so it is exact at the
    borders, runs on any device and costs O(taps) per output pixel whatever the image size.
    """
    *lead, h, w = x.shape
    rows = _enlarge_rows(x.reshape(-1, h, w), scale)  # (M, h*s, w)
    cols = _enlarge_rows(rows.transpose(1, 2).contiguous(), scale)  # (M, w*s, h*s)
    return cols.transpose(1, 2).reshape(*lead, h * scale, w * scale)


class SRNet(nn.Module):
    """Base class: subclasses set ``channels`` and implement ``core`` and ``lr_margin``.

    ``forward`` is the bicubic enlargement (when used) around ``core``, the learned part: ``core`` has no
    size-dependent constants, so an inference runtime can compile it once for every tile shape while the
    enlargement is computed outside it, together with the chroma's.
    """

    channels: str = "y"  # "y" (luma; chroma by bicubic) or "rgb"
    hr_space: bool = False  # True when ``core`` reads the bicubic enlargement instead of the LR image
    residual: bool = True  # True when the bicubic enlargement is added to ``core``'s output
    # Run the inner layers given to :meth:`in_body_precision` in bfloat16, float32 in and out: set by an engine
    # (mlcore.runtime) where that was measured within one 8-bit step of float32, and by training steps on request.
    bf16_body: bool = False
    # The body's dtype when ``bf16_body`` is set (``mlcore.runtime.with_bf16_body``): bfloat16 wherever it is served.
    body_dtype: torch.dtype = torch.bfloat16
    has_bf16_body: bool = False  # True in architectures whose forward runs part of itself through in_body_precision

    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale

    @property
    def in_channels(self) -> int:
        return 1 if self.channels == "y" else 3

    def core(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, h, w) LR (or (N, C, h*s, w*s) enlarged when ``hr_space``) → (N, C, h*s, w*s).

        By default the pixel shuffle of :meth:`core_phases`.
        """
        return F.pixel_shuffle(self.core_phases(x), self.scale)

    def core_phases(self, lr: torch.Tensor) -> torch.Tensor:
        """For networks that end in a sub-pixel layer: (N, C, h, w) LR → (N, C·s², h, w), channel
        ``c·s² + p·s + q`` being output (c, i·s + p, j·s + q), i.e. ``core`` before its pixel shuffle.
        An engine adds the bicubic enlargement in this layout and shuffles 8-bit values once."""
        raise NotImplementedError

    def in_body_precision(self, module: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """``module(x)``, in bfloat16 (:attr:`body_dtype`) when :attr:`bf16_body` is set (the layers between a
        network's float32 input and output layers, which carry most of its arithmetic)."""
        if not self.bf16_body:
            return module(x)
        with torch.autocast(x.device.type, dtype=self.body_dtype):
            return module(x.to(self.body_dtype)).float()

    @property
    def has_phases(self) -> bool:
        """Whether an engine can run :meth:`core_phases` on the LR image (an LR-space sub-pixel network)."""
        return type(self).core_phases is not SRNet.core_phases and not self.hr_space

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
