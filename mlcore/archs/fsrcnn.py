"""FSRCNN (Dong et al., ECCV 2016): feature extraction, shrinking, mapping and expansion in LR space,
then a 9×9 deconvolution to HR. FSRCNN(d=56, s=12, m=4) by default, on luma.
``residual`` adds the bicubic enlargement of the input to the output (no extra parameters).
"""

import torch
from torch import nn

from mlcore.archs.base import BICUBIC_MARGIN, SRNet


class FSRCNN(SRNet):
    channels = "y"

    def __init__(self, scale: int, d: int = 56, s: int = 12, m: int = 4, residual: bool = True):
        super().__init__(scale)
        self.m, self.residual = m, residual
        layers = [nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d), nn.Conv2d(d, s, 1), nn.PReLU(s)]
        for _ in range(m):
            layers += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
        layers += [nn.Conv2d(s, d, 1), nn.PReLU(d)]
        self.body = nn.Sequential(*layers)
        self.deconv = nn.ConvTranspose2d(d, 1, 9, stride=scale, padding=4, output_padding=scale - 1)

    def lr_margin(self) -> int:
        # 5×5 + m 3×3 convs in LR, then the 9×9 deconvolution reaches ceil(4 / s) + 1 LR pixels.
        return max(2 + self.m + -(-4 // self.scale) + 1, BICUBIC_MARGIN)

    def core(self, lr: torch.Tensor) -> torch.Tensor:
        return self.deconv(self.body(lr))  # (N, 1, h*s, w*s)
