"""Where a network runs: an engine turns an 8-bit LR tile (h, w, 3) into its 8-bit HR tile (h*s, w*s, 3).

The whole tile is one graph (:class:`Tile`): 8-bit in, luma, the network, MATLAB's bicubic enlargement of
R, G and B as one convolution, the network's detail added in RGB, rounding, 8-bit out. Nothing is
converted at full size, so the work around the network is a few passes over the output (docs/speed.md).

On the CPU that graph runs in ONNX Runtime where it measured at least 1.3× faster than PyTorch with
outputs within one 8-bit step (docs/speed.md): fsrcnn and espcn; edsr_lite and srcnn stay on PyTorch, whose
channels-last convolutions run them near this machine's matmul rate. A model card's ``self_ensemble`` (how many:
the cards say; the README lists them) runs the network on that many flipped views inside the same graph and
averages them (:func:`self_ensemble`). On CPUs that compute
bfloat16 natively (AMX or AVX-512 BF16: :func:`native_bf16`), edsr_lite runs its residual body in bfloat16 (the
network 2–3.4× faster) where its outputs stayed within one 8-bit step of float32 on all of Set5 and Set14: at ×2
always; at ×3 and ×4 only with at least 2 and 4 views, whose mean averages bfloat16's rounding too (one view alone
was two steps off on a few values).
CUDA keeps PyTorch. The ONNX graph is
exported once per weights hash into a git-ignored folder beside the weights and reused by every process;
when it cannot be exported or loaded, PyTorch runs instead.
"""

import copy
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
from torch import nn
from torch.nn import functional as F

from mlcore.archs.base import bicubic_phase_bank
from mlcore.checkpoints import ENSEMBLE
from mlcore.imaging.colour import RGB_TO_Y, Y_OFFSET, Y_TO_RGB

logger = logging.getLogger(__name__)

Engine = Callable[[np.ndarray], np.ndarray]
CACHE_FOLDER = ".runtime"  # inside the zoo's weights folder
GRAPH_VERSION = 5  # in the cached file's name: a change to ``Tile`` must not reuse an older export
# Architectures whose whole tile ONNX Runtime did not run ≥ 1.3× faster than PyTorch on the CPU (docs/speed.md,
# "Whole tile, by runtime").
TORCH_ON_CPU = {"EDSRLite", "SRCNN"}
# (architecture, scale) → the fewest self-ensemble views with which its body runs in bfloat16 (:func:`native_bf16`):
# every shipped model of these, run with its card's views, measured within one 8-bit step of float32 run the same
# way on Set5 and Set14 (benchmarks/bf16_check.py; docs/speed.md "Third wave" and "bfloat16 bought views"; three
# photos re-checked by tests/mlcore/test_runtime.py). One view at ×3 was two steps off on 90 values, ×4 with two
# views on 55 and with three on one.
BF16_BODY_ON_CPU = {("EDSRLite", 2): 1, ("EDSRLite", 3): 2, ("EDSRLite", 4): 4}


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


def self_ensemble(
    core: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, passes: int, phases: int
) -> torch.Tensor:
    """The mean of ``core`` over the first ``passes`` transforms of ``mlcore.checkpoints.ENSEMBLE``; ``core(x)``
    when ``passes`` is 1 (the geometric self-ensemble of EDSR+, Lim et al. 2017).

    ``x`` is (1, C, h, w); ``core``'s output is (1, C'·phases², H, W), channel ``c·phases² + p·phases + q`` being
    output pixel (c, i·phases + p, j·phases + q) (``SRNet.core_phases``; ``phases`` = 1 for a full-size output),
    so a flip reverses a phase axis with its pixel axis and a transpose swaps both pairs.
    """
    if passes not in range(1, len(ENSEMBLE) + 1):
        raise ValueError(f"self_ensemble must be 1–{len(ENSEMBLE)} passes, not {passes!r}")
    if passes == 1:
        return core(x)
    total = None
    for flip_x, flip_y, transpose in ENSEMBLE[:passes]:
        t = x.flip(3) if flip_x else x
        t = t.flip(2) if flip_y else t
        t = t.transpose(2, 3) if transpose else t
        y = core(t.contiguous(memory_format=torch.channels_last))
        y = y.reshape(1, -1, phases, phases, *y.shape[2:])
        y = y.permute(0, 1, 3, 2, 5, 4) if transpose else y
        y = y.flip(2, 4) if flip_y else y
        y = y.flip(3, 5) if flip_x else y
        y = y.reshape(1, -1, *y.shape[4:])
        total = y if total is None else total.add_(y)
    return total.div_(passes)


class Tile(nn.Module):
    """One LR tile to its HR tile through ``net``: (1, 3, h + 2r, w + 2r) uint8 RGB, mirrored by ``r =
    self.pad`` pixels as MATLAB pads → (h*s, w*s, 3) uint8.

    The enlargement is one convolution of the LR (``bank``) in 8-bit units, rounding's half step as its bias
    (each phase's weights sum to 1), channels-last and phase-major: channel ``(p·s + q)·3 + c`` is phase (p, q)
    of colour c, so its memory is already (h, w, s, s, 3) and the 8-bit result needs one copy to become
    (h·s, w·s, 3). A 1×1 convolution (``spread``) brings the network's detail into those channels (on R, G
    and B equally for a luma network); then one add, clamp and cast, and no other pass over the output.
    Networks with sub-pixel outputs (``net.has_phases``) are summed with it in that phase layout; the others
    (SRCNN) at full size. With ``passes`` > 1 the network's part is :func:`self_ensemble`'s mean. ``forward``
    has no size-dependent constants, so it exports once for every tile shape.
    """

    def __init__(self, net, passes: int = 1):
        super().__init__()
        self.net, self.scale, self.passes = net, net.scale, passes
        s, planes = net.scale, net.in_channels
        phases, self.pad = bicubic_phase_bank(s)  # (s², 1, k, k)
        bank = torch.zeros(s * s, 3, 3, *phases.shape[2:])
        for c in range(3):
            bank[:, c, c] = torch.from_numpy(phases[:, 0])
        self.register_buffer("bank", bank.flatten(0, 1).contiguous(memory_format=torch.channels_last), persistent=False)
        self.register_buffer("half_step", torch.full((3 * s * s,), 0.5), persistent=False)
        self.register_buffer("to_y", torch.tensor(RGB_TO_Y / 255.0, dtype=torch.float32), persistent=False)
        # detail channel c'·n + phase (the network's order) → output channel phase·3 + c, in 8-bit RGB
        n = s * s if net.has_phases else 1
        gain = 255.0 * (Y_TO_RGB if net.channels == "y" else 1.0)
        spread = torch.zeros(n, 3, planes, n)
        for c in range(3):
            spread[:, c, 0 if planes == 1 else c] = gain * torch.eye(n)
        spread = spread.reshape(3 * n, planes * n, 1, 1).contiguous(memory_format=torch.channels_last)
        self.register_buffer("spread", spread, persistent=False)

    def _net_space(self, rgb: torch.Tensor, phases: int = 1) -> torch.Tensor:
        """RGB in 8-bit units, (1, 3·phases, h, w) phase-major as ``bank`` lays it out → what the network reads
        and writes, in [0, 1]: BT.601 luma for a luma network, else RGB, (1, C·phases, h, w) colour-major."""
        h, w = rgb.shape[2:]
        rgb = rgb.reshape(1, phases, 3, h, w)
        if self.net.channels == "y":
            out = (rgb * self.to_y.view(1, 1, 3, 1, 1)).sum(2) + Y_OFFSET
        else:
            out = (rgb / 255.0).transpose(1, 2).reshape(1, 3 * phases, h, w)
        return out.contiguous(memory_format=torch.channels_last)

    def learned(self, source: torch.Tensor) -> torch.Tensor:
        """The network's part on its input as this graph runs it: a sub-pixel network in its phase layout
        (``core_phases``: the tile shuffles 8-bit values, not floats), the others' ``core``; with ``passes``
        views (:func:`self_ensemble`)."""
        if self.net.has_phases:
            return self_ensemble(self.net.core_phases, source, self.passes, self.scale)
        return self_ensemble(self.net.core, source, self.passes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        net, r, s = self.net, self.pad, self.scale
        x = x.float().contiguous(memory_format=torch.channels_last)
        h, w = x.shape[2] - 2 * r, x.shape[3] - 2 * r
        up = F.conv2d(x, self.bank, self.half_step)  # (1, 3s², h, w), the enlargement + 0.5, phase-major
        phases = s * s if net.has_phases else 1
        if not net.has_phases:  # the others add their detail at full size: (1, 3, h·s, w·s), channels-last
            up = _phase_shuffle(up, s).permute(2, 0, 1)[None]
        detail = self.learned(self._net_space(up - 0.5 if net.hr_space else x[:, :, r : r + h, r : r + w]))
        if not net.residual:  # the network gives the whole image: take the enlargement back out
            detail = detail - self._net_space(up - 0.5, phases)
        out = F.conv2d(detail, self.spread).add_(up).clamp_(0, 255).to(torch.uint8)  # clamped ≥ 0: the cast floors
        return _phase_shuffle(out, s) if net.has_phases else out[0].permute(1, 2, 0)


def _phase_shuffle(t: torch.Tensor, s: int) -> torch.Tensor:
    """(1, s²·3, h, w) phase-major (``Tile.bank``'s channels) → (h·s, w·s, 3): channels-last, the one copy."""
    h, w = t.shape[2:]
    return t.permute(0, 2, 3, 1).reshape(h, w, s, s * 3).permute(0, 2, 1, 3).reshape(h * s, w * s, 3)


def _padded(tile: np.ndarray, pad: int) -> np.ndarray:
    """(h, w, 3) → (1, 3, h + 2·pad, w + 2·pad), edges repeated symmetrically (MATLAB's padding)."""
    padded = np.pad(tile, ((pad, pad), (pad, pad), (0, 0)), mode="symmetric")
    return np.ascontiguousarray(padded.transpose(2, 0, 1)[None])


def with_bf16_body(net, dtype: torch.dtype = torch.bfloat16):
    """A copy of ``net`` that runs its body in bfloat16 (or ``dtype``: float16 is measured on CUDA by
    benchmarks/cuda_check.py); ``net`` itself is left as it is (it may be shared)."""
    net = copy.deepcopy(net)
    net.bf16_body, net.body_dtype = True, dtype
    return net


def torch_engine(net, device: str, bf16_body: bool = False, passes: int = 1) -> Engine:
    """PyTorch eager, channels-last (oneDNN runs NHWC convolutions 1.5–1.9× faster on the CPU); with
    ``bf16_body``, a copy of ``net`` runs its body in bfloat16 (:meth:`SRNet.in_body_precision`); ``passes``:
    :func:`self_ensemble`."""
    net = (with_bf16_body(net) if bf16_body else net).to(memory_format=torch.channels_last)
    tile = Tile(net, passes).to(device).eval()

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return tile(torch.from_numpy(_padded(x, tile.pad)).to(device)).cpu().numpy()

    return run


def export_onnx(module: nn.Module, example: torch.Tensor, path: Path) -> Path:
    """Write ``module`` as ONNX with free height and width of its input ``x``; atomic, so concurrent
    workers can race."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".onnx.part")
    os.close(fd)
    try:
        # The TorchScript exporter: the newer torch.export one needs onnxscript for the same graph.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module, (example,), tmp, dynamo=False, input_names=["x"], dynamic_axes={"x": {2: "h", 3: "w"}}
            )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def onnx_session(path: Path) -> Callable[[np.ndarray], np.ndarray]:
    """ONNX Runtime on the CPU with PyTorch's thread count: ``run(x)`` → the graph's first output.

    Its threads sleep when a run ends instead of spinning for the next one: spinning threads took a core from
    whatever ran next on this 2-core machine (another session, PyTorch, the PNG encoder, the web process). In
    ``make bench``, where a model's tile graph and its network take turns, espcn ×4's whole call went from
    0.040–0.044 to 0.030 s/MP; a call alone measured the same either way (docs/speed.md)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = torch.get_num_threads(), 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda x: session.run(None, {"x": np.ascontiguousarray(x)})[0]


def onnx_engine(net, path: Path, passes: int = 1) -> Engine:
    """``net``'s whole-tile graph in ONNX Runtime on the CPU, exported to ``path`` unless it is there."""
    tile = Tile(net, passes).eval()
    if not path.exists():
        export_onnx(tile, torch.zeros(1, 3, 20 + 2 * tile.pad, 17 + 2 * tile.pad, dtype=torch.uint8), path)
    session = onnx_session(path)
    return lambda x: session(_padded(x, tile.pad))


def bf16_body_declared(net, passes: int = 1) -> bool:
    """Whether ``net`` run with ``passes`` views measured within one 8-bit step of float32 with its body in
    bfloat16 (:data:`BF16_BODY_ON_CPU`), whatever this CPU has."""
    fewest = BF16_BODY_ON_CPU.get((type(net).__name__, net.scale))
    return fewest is not None and passes >= fewest


@functools.cache
def native_bf16() -> bool:
    """Whether this CPU computes in bfloat16 itself: AMX tiles (Intel Xeon since Sapphire Rapids) or AVX-512 BF16
    (AMD EPYC since Zen 4, Intel Cooper Lake). Without either, oneDNN emulates bfloat16 convolutions, slower than
    float32. Both measured here: bfloat16 matmul 403 GFLOP/s on an AMX Xeon, 411 on an AVX-512 BF16 EPYC, against
    178 / 150 in float32 (docs/speed.md)."""
    checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")  # private: absent in other torch builds
    return any(getattr(torch.cpu, check, lambda: False)() for check in checks)


def bf16_body_on_cpu(net, passes: int = 1) -> bool:
    """Whether ``net`` run with ``passes`` views runs its body in bfloat16 on this CPU: declared
    (:func:`bf16_body_declared`) and computed natively (:func:`native_bf16`)."""
    return bf16_body_declared(net, passes) and native_bf16()


def graph_path(weights_dir: Path, weights_hash: str, passes: int = 1) -> Path:
    """Where the exported whole-tile graph of these weights run ``passes`` times is cached."""
    return Path(weights_dir) / CACHE_FOLDER / f"{weights_hash}.tile{GRAPH_VERSION}.p{passes}.onnx"


def make_engine(net, device: str, weights_hash: str, weights_dir: Path, passes: int = 1) -> Engine:
    """The measured-best engine for ``net`` on ``device`` (its card's ``self_ensemble`` as ``passes``);
    PyTorch when the faster one is unavailable."""
    if device != "cpu" or type(net).__name__ in TORCH_ON_CPU or not weights_hash:
        return torch_engine(net, device, bf16_body=device == "cpu" and bf16_body_on_cpu(net, passes), passes=passes)
    try:
        return onnx_engine(net, graph_path(weights_dir, weights_hash, passes), passes)
    except Exception as exc:  # any failure of the optional runtime leaves PyTorch serving
        logger.warning("ONNX Runtime unavailable for weights %s (%s); running PyTorch.", weights_hash, exc)
        return torch_engine(net, device, passes=passes)
