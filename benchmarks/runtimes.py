"""The inference runtimes compared for the learned part of a network (:class:`Core`), on the CPU.

Each entry of ``RUNTIMES`` takes an eval-mode network, a thread count and the passes of its card's
self-ensemble (``mlcore.runtime.self_ensemble``) and returns ``run(x) -> y`` on
float32 NCHW numpy arrays of any height and width, so the same tile goes through every runtime.
PyTorch eager (channels-last) and ONNX Runtime are what ``mlcore.runtime`` runs its whole-tile graphs
in; the others are candidates.
"""

import tempfile
from pathlib import Path

import numpy as np
import torch

from mlcore.runtime import Tile, export_onnx, onnx_engine, onnx_session, torch_engine, with_bf16_body


class Core(torch.nn.Module):
    """The learned part of ``net`` as the tile graph runs it (``mlcore.runtime.Tile.learned``, ``passes``
    views), without the enlargement and rounding around it: what each runtime runs and the exporters trace."""

    def __init__(self, net, passes: int = 1):
        super().__init__()
        self.tile = Tile(net, passes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.tile.learned(x)


def make_eager(net, threads: int, passes: int = 1, bf16_body: bool = False):
    core = Core((with_bf16_body(net) if bf16_body else net).to(memory_format=torch.channels_last), passes)

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return core(torch.from_numpy(x).contiguous(memory_format=torch.channels_last)).numpy()

    return run


def make_compile(net, threads: int, passes: int = 1):
    module = torch.compile(Core(net, passes).to(memory_format=torch.channels_last), dynamic=False)

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return module(torch.from_numpy(x).contiguous(memory_format=torch.channels_last)).numpy()

    return run


def make_onnxruntime(net, threads: int, passes: int = 1):
    with tempfile.TemporaryDirectory() as tmp:
        example = torch.rand(1, net.in_channels, 24, 20)
        return onnx_session(export_onnx(Core(net, passes), example, Path(tmp) / "core.onnx"))


def make_openvino(net, threads: int, passes: int = 1):
    import openvino as ov

    shape = ov.PartialShape([1, net.in_channels, -1, -1])
    model = ov.convert_model(Core(net, passes), example_input=torch.rand(1, net.in_channels, 24, 20), input=[shape])
    config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32"}
    request = ov.Core().compile_model(model, "CPU", config).create_infer_request()

    def run(x: np.ndarray) -> np.ndarray:
        request.infer({0: x})
        return request.get_output_tensor(0).data.copy()

    return run


RUNTIMES = {
    "eager": make_eager,
    "eager-bf16": lambda net, threads, passes=1: make_eager(net, threads, passes, bf16_body=True),  # native_bf16 CPUs
    "onnxruntime": make_onnxruntime,
    "openvino": make_openvino,
    "torch.compile": make_compile,
}


def tile_onnxruntime(net, threads: int, passes: int = 1):
    with tempfile.TemporaryDirectory() as tmp:
        return onnx_engine(net, Path(tmp) / "tile.onnx", passes)


# What ``mlcore.runtime`` chooses between for the whole tile (8-bit (h, w, 3) in and out): TORCH_ON_CPU and
# BF16_BODY_ON_CPU follow it (the latter also on the largest difference, which must stay ≤ 1 step).
TILE_RUNTIMES = {
    "eager": lambda net, threads, passes=1: torch_engine(net, "cpu", passes=passes),
    "eager-bf16": lambda net, threads, passes=1: torch_engine(net, "cpu", bf16_body=True, passes=passes),
    "onnxruntime": tile_onnxruntime,
}
