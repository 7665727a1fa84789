"""A light EDSR-baseline-style network (Lim et al., CVPRW 2017): residual blocks without batch norm
in LR space, a long skip, a sub-pixel upsampler, and the bicubic enlargement added to the output so
the body learns only the missing detail. Fully convolutional, receptive field 2·(2B + 3) + 1 LR px.
"""

import torch
from torch import nn

from mlcore.archs.base import BICUBIC_MARGIN, SRNet


class ResBlock(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.body(x)
        out += x  # in place: a fresh tensor's add is 2.5× slower on the CPU (allocation); conv needs no output
        return out


class EDSRLite(SRNet):
    channels = "y"
    has_bf16_body = True  # core_phases: the residual blocks through in_body_precision

    def __init__(self, scale: int, width: int = 32, blocks: int = 4):
        super().__init__(scale)
        self.blocks = blocks
        self.head = nn.Conv2d(1, width, 3, padding=1)
        self.body = nn.Sequential(*[ResBlock(width) for _ in range(blocks)], nn.Conv2d(width, width, 3, padding=1))
        self.tail = nn.Sequential(nn.Conv2d(width, scale * scale, 3, padding=1))  # shuffled by ``core``

    def lr_margin(self) -> int:
        return max(2 * self.blocks + 3, BICUBIC_MARGIN)

    def core_phases(self, lr: torch.Tensor) -> torch.Tensor:
        feat = self.head(lr)  # (N, width, h, w)
        detail = self.in_body_precision(self.body, feat)
        detail += feat  # the long skip, in place as in ResBlock
        return self.tail(detail)  # (N, s², h, w)
