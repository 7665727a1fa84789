"""Architectures: an explicit name → class map (no auto-import magic)."""

from mlcore.archs.base import SRNet, bicubic_upsample
from mlcore.archs.edsr_lite import EDSRLite
from mlcore.archs.espcn import ESPCN
from mlcore.archs.fsrcnn import FSRCNN
from mlcore.archs.srcnn import SRCNN

ARCHS: dict[str, type[SRNet]] = {
    "srcnn": SRCNN,
    "fsrcnn": FSRCNN,
    "espcn": ESPCN,
    "edsr_lite": EDSRLite,
}

__all__ = ["ARCHS", "SRNet", "bicubic_upsample", "build"]


def build(arch: str, scale: int, arch_args: dict | None = None) -> SRNet:
    """A fresh network from its name, scale and keyword arguments."""
    if arch not in ARCHS:
        raise KeyError(f"Unknown architecture {arch!r}; known: {', '.join(ARCHS)}.")
    return ARCHS[arch](scale=scale, **(arch_args or {}))
