"""SRCNN as the project report built it (Dong et al., ECCV 2014 / TPAMI 2016, the 9-1-5 network).

9×9 conv, 64 maps → 1×1 conv, 32 maps → 5×5 conv to the output channels, LeakyReLU between, on the
bicubic-enlarged input, RGB as the report. ``residual`` adds the bicubic input back to the output
(the network then learns the missing detail; it adds no parameters and trains far faster).
"""

import torch
from torch import nn

from mlcore.archs.base import SRNet, hr_to_lr_margin


class SRCNN(SRNet):
    channels = "rgb"
    hr_space = True

    def __init__(
        self,
        scale: int,
        n1: int = 64,
        n2: int = 32,
        f1: int = 9,
        f2: int = 1,
        f3: int = 5,
        residual: bool = True,
    ):
        super().__init__(scale)
        self.residual = residual
        self.kernels = (f1, f2, f3)
        c = self.in_channels
        self.body = nn.Sequential(
            nn.Conv2d(c, n1, f1, padding=f1 // 2),
            nn.LeakyReLU(0.01, inplace=True),
            nn.Conv2d(n1, n2, f2, padding=f2 // 2),
            nn.LeakyReLU(0.01, inplace=True),
            nn.Conv2d(n2, c, f3, padding=f3 // 2),
        )

    def lr_margin(self) -> int:
        return hr_to_lr_margin(sum(k // 2 for k in self.kernels), self.scale)

    def core(self, up: torch.Tensor) -> torch.Tensor:
        return self.body(up)  # (N, 3, h*s, w*s) from the bicubic enlargement
