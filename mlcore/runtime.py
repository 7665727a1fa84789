"""Where the learned part of a network (``SRNet.core``) runs: an engine maps a float32 (1, C, h, w) array
to (1, C, h*s, w*s) (or the same size for ``hr_space`` networks).

On the CPU, ONNX Runtime where it measured at least 1.3× faster than PyTorch with outputs within 1e-6
(docs/speed.md): srcnn, fsrcnn and espcn; edsr_lite stays on PyTorch, whose channels-last
convolutions run it near this machine's matmul rate (no runtime beat it by 1.3×). CUDA keeps PyTorch.
The ONNX graph is exported once per weights hash into a git-ignored folder beside the weights and
reused by every process; when it cannot be exported or loaded, PyTorch runs instead.
"""

import ctypes
import functools
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

logger = logging.getLogger(__name__)

Engine = Callable[[np.ndarray], np.ndarray]
CACHE_FOLDER = ".runtime"  # inside the zoo's weights folder
# Architectures for which ONNX Runtime was not ≥ 1.3× faster than PyTorch on the CPU.
TORCH_ON_CPU = {"EDSRLite"}


@functools.cache
def keep_freed_memory() -> None:
    """Ask glibc to keep freed blocks of up to 256 MB in the heap for the next tile.

    By default it hands large blocks back to the OS on free, so every tile's arrays fault their pages
    in again; on the measured VM that cost more than the arithmetic around the network (docs/speed.md).
    Peak memory is unchanged: the blocks are reused, not added. A no-op where libc has no mallopt.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GB of free heap top
    mallopt(-3, 256 << 20)  # M_MMAP_THRESHOLD: blocks under 256 MB (a tile's feature maps) from the heap


def torch_engine(net, device: str) -> Engine:
    """PyTorch eager, channels-last (oneDNN runs NHWC convolutions 1.5–1.9× faster on the CPU)."""
    net = net.to(memory_format=torch.channels_last)

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            t = torch.from_numpy(x).to(device).contiguous(memory_format=torch.channels_last)
            return net.core(t).float().cpu().numpy()

    return run


class Core(torch.nn.Module):
    """``net.core`` as a module's forward, what the ONNX exporter traces."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.core(x)


def export_onnx(net, path: Path) -> Path:
    """Write ``net.core`` as ONNX with free height and width; atomic, so concurrent workers can race."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".onnx.part")
    os.close(fd)
    try:
        example = torch.rand(1, net.in_channels, 24, 20)
        # The TorchScript exporter: the newer torch.export one needs onnxscript for the same graph.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.onnx.export(
                Core(net), (example,), tmp, dynamo=False, input_names=["x"], dynamic_axes={"x": {2: "h", 3: "w"}}
            )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def onnx_engine(path: Path) -> Engine:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = torch.get_num_threads(), 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda x: session.run(None, {"x": np.ascontiguousarray(x)})[0]


def make_engine(net, device: str, weights_hash: str, weights_dir: Path) -> Engine:
    """The measured-best engine for ``net`` on ``device``; PyTorch when the faster one is unavailable."""
    if device != "cpu" or type(net).__name__ in TORCH_ON_CPU or not weights_hash:
        return torch_engine(net, device)
    path = Path(weights_dir) / CACHE_FOLDER / f"{weights_hash}.onnx"
    try:
        if not path.exists():
            export_onnx(net, path)
        return onnx_engine(path)
    except Exception as exc:  # any failure of the optional runtime leaves PyTorch serving
        logger.warning("ONNX Runtime unavailable for weights %s (%s); running PyTorch.", weights_hash, exc)
        return torch_engine(net, device)
