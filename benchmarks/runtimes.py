"""The inference runtimes compared for the learned part of a network (``SRNet.core``), on the CPU.

Each ``make_*`` takes an eval-mode network and returns ``run(x) -> y`` on float32 NCHW numpy arrays
of any height and width, so the same tile goes through every runtime and outputs can be compared.
"""

import tempfile
from pathlib import Path

import numpy as np
import torch


class Core(torch.nn.Module):
    """``net.core`` as a module's forward, what exporters trace."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.core(x)


def _example(net) -> torch.Tensor:
    return torch.rand(1, net.in_channels, 40, 32)


def make_eager(net):
    module = Core(net).to(memory_format=torch.channels_last)

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return module(torch.from_numpy(x).contiguous(memory_format=torch.channels_last)).numpy()

    return run


def make_compile(net):
    module = torch.compile(Core(net).to(memory_format=torch.channels_last), dynamic=False)

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return module(torch.from_numpy(x).contiguous(memory_format=torch.channels_last)).numpy()

    return run


def make_onnxruntime(net, threads: int):
    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "core.onnx"
        torch.onnx.export(
            Core(net), (_example(net),), str(path), dynamo=False, input_names=["x"],
            dynamic_axes={"x": {2: "h", 3: "w"}},
        )  # fmt: skip
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda x: session.run(None, {"x": x})[0]


def make_openvino(net, threads: int):
    import openvino as ov

    model = ov.convert_model(
        Core(net), example_input=_example(net), input=[ov.PartialShape([1, net.in_channels, -1, -1])]
    )
    config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32"}
    request = ov.Core().compile_model(model, "CPU", config).create_infer_request()

    def run(x: np.ndarray) -> np.ndarray:
        request.infer({0: x})
        return request.get_output_tensor(0).data.copy()

    return run


RUNTIMES = {
    "eager": lambda net, threads: make_eager(net),
    "torch.compile": lambda net, threads: make_compile(net),
    "onnxruntime": make_onnxruntime,
    "openvino": make_openvino,
}
