"""The inference runtimes compared for the learned part of a network (``SRNet.core``), on the CPU.

Each entry of ``RUNTIMES`` takes an eval-mode network and a thread count and returns ``run(x) -> y`` on
float32 NCHW numpy arrays of any height and width, so the same tile goes through every runtime.
PyTorch eager and ONNX Runtime are ``mlcore.runtime``'s own engines; the others are candidates.
"""

import tempfile
from pathlib import Path

import numpy as np
import torch

from mlcore.runtime import Core, export_onnx, onnx_engine, torch_engine


def make_compile(net, threads: int):
    module = torch.compile(Core(net).to(memory_format=torch.channels_last), dynamic=False)

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return module(torch.from_numpy(x).contiguous(memory_format=torch.channels_last)).numpy()

    return run


def make_onnxruntime(net, threads: int):
    with tempfile.TemporaryDirectory() as tmp:
        return onnx_engine(export_onnx(net, Path(tmp) / "core.onnx"))


def make_openvino(net, threads: int):
    import openvino as ov

    shape = ov.PartialShape([1, net.in_channels, -1, -1])
    model = ov.convert_model(Core(net), example_input=torch.rand(1, net.in_channels, 24, 20), input=[shape])
    config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32"}
    request = ov.Core().compile_model(model, "CPU", config).create_infer_request()

    def run(x: np.ndarray) -> np.ndarray:
        request.infer({0: x})
        return request.get_output_tensor(0).data.copy()

    return run


RUNTIMES = {
    "eager": lambda net, threads: torch_engine(net, "cpu"),
    "onnxruntime": make_onnxruntime,
    "openvino": make_openvino,
    "torch.compile": make_compile,
}
