"""ESPCN (Shi et al., CVPR 2016): three convolutions in LR space and a sub-pixel (pixel-shuffle)
upsampling layer, on luma. ``residual`` adds the bicubic enlargement of the input to the output.
"""

import torch
from torch import nn

from mlcore.archs.base import BICUBIC_MARGIN, SRNet


class ESPCN(SRNet):
    channels = "y"

    def __init__(self, scale: int, n1: int = 64, n2: int = 32, residual: bool = True):
        super().__init__(scale)
        self.residual = residual
        self.body = nn.Sequential(
            nn.Conv2d(1, n1, 5, padding=2),
            nn.Tanh(),
            nn.Conv2d(n1, n2, 3, padding=1),
            nn.Tanh(),
            nn.Conv2d(n2, scale * scale, 3, padding=1),  # (N, s², h, w): shuffled by ``core``
        )

    def lr_margin(self) -> int:
        return max(2 + 1 + 1, BICUBIC_MARGIN)

    def core_phases(self, lr: torch.Tensor) -> torch.Tensor:
        return self.body(lr)
