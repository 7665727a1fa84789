"""The CUDA check (issue 12), for the one prepared call on a lent GPU: every shipped model as served (its card's
views) in each precision PyTorch can run its body in on the device, against strict float32 on the same device.

- **Precision**: the largest difference of each variant's 8-bit output from strict float32 (``allow_tf32`` off),
  and how many values are more than one step off, over every image of ``--datasets`` (whole). The variants:
  ``tf32`` (float32 as PyTorch runs cuDNN convolutions by default, TensorFloat-32 on Ampere and later), and a
  ``bf16`` and ``fp16`` body (``SRNet.in_body_precision``). The runtime rule (docs/speed.md): a variant is
  adopted where it is at least 1.3× faster and no value is more than one step off.
- **Speed**, of the default model at ``--speed-scale`` (×4) only, on a ``--megapixels`` input (12 by default: the
  issue's "s/MP at ×4 on a 12 MP input"): seconds per output megapixel of a whole tiled call in each variant
  (``mlcore.inference.upscale_array``: the tile graph with colour, bicubic and rounding, copies to and from the
  device), best of ``--repeats`` after a warm-up, and the device memory it peaked at; and
  ``mlcore.upscale(device=...)`` as a user's call runs it today.

    python benchmarks/cuda_check.py [--device cuda] [--scales 2 3 4] [--models edsr_lite ...] [--megapixels 12]
        [--speed-scale 4] [--datasets Set5 Set14] [--tile 256] [--out cuda.md]

Reads the datasets from SRSITE_DATA_ROOT (scripts/train_gpu.sh points it at its bundle). ``--device cpu
--megapixels 0.02`` is a dry run on this machine (the same code, no CUDA: tf32 equals float32 there).
"""

import argparse
import contextlib
import datetime
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srsite.settings_engine")  # for SRSITE_DATA_ROOT

import torch  # noqa: E402
from django.conf import settings  # noqa: E402

from benchmarks.measure import best_of, machine, tiled  # noqa: E402
from mlcore import zoo  # noqa: E402
from mlcore.checkpoints import ensemble_passes, load  # noqa: E402
from mlcore.evaluation import dataset_images  # noqa: E402
from mlcore.inference import TileRunner, default_tile, upscale, upscale_array  # noqa: E402
from mlcore.runtime import torch_engine, with_bf16_body  # noqa: E402

VARIANTS = ("fp32", "tf32", "bf16", "fp16")  # fp32 (strict) is the reference
SPEED_UP_TO_ADOPT = 1.3  # the runtime rule (docs/speed.md)


LOW_BODY = {"bf16": torch.bfloat16, "fp16": torch.float16}


@contextlib.contextmanager
def precision(variant: str):
    """TensorFloat-32 on for the device's convolutions and matmuls, except in the strict ``fp32`` reference."""
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = variant != "fp32"
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


def engine(net, variant: str, device: str, passes: int):
    """``variant``'s engine for ``net`` on ``device``: float32, or a copy whose body runs in bf16 / fp16."""
    low = variant in LOW_BODY
    return torch_engine(with_bf16_body(net, LOW_BODY[variant]) if low else net, device, passes=passes)


def photo(megapixels: float, images: list[Path]) -> np.ndarray:
    """An 8-bit RGB LR input of about ``megapixels`` (4:3), tiled from the largest of ``images``."""
    source = max((np.asarray(Image.open(p).convert("RGB")) for p in images), key=lambda a: a.size)
    width = max(round((megapixels * 1e6 * 4 / 3) ** 0.5), 16)
    return tiled(source, max(width * 3 // 4, 16), width)


def timed(fn, repeats: int, device: str) -> tuple[float, float]:
    """(``best_of`` seconds, the device memory the calls peaked at in MB; 0 off CUDA). Every call ends by copying
    its result to the host, which waits for the device: no explicit synchronisation is needed."""
    cuda = device.startswith("cuda")
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    seconds = best_of(fn, repeats)
    return seconds, torch.cuda.max_memory_allocated() / 2**20 if cuda else 0.0


def check_model(name: str, scale: int, args, images: list[Path], lr: np.ndarray | None) -> list[dict]:
    """One row per variant: differences from strict float32 over ``images``, and the speed on ``lr`` if given."""
    net, card = load(zoo.card_path(name, scale))
    passes = ensemble_passes(card)
    tile = args.tile or default_tile(net, scale)
    variants = VARIANTS if net.has_bf16_body else VARIANTS[:2]  # a low-precision body where the network has one
    engines = {v: engine(net, v, args.device, passes) for v in variants}
    rows = {
        v: {"model": name, "scale": scale, "views": passes, "variant": v, "largest": 0, "over": 0} for v in variants
    }
    for path in images:
        hr = np.asarray(Image.open(path).convert("RGB"))
        with precision("fp32"):
            reference = engines["fp32"](hr).astype(int)
        for v in variants[1:]:
            with precision(v):
                diff = np.abs(engines[v](hr).astype(int) - reference)
            rows[v]["largest"] = max(rows[v]["largest"], int(diff.max()))
            rows[v]["over"] += int((diff > 1).sum())
    if lr is None:
        return list(rows.values())
    mp = lr.shape[0] * lr.shape[1] * scale * scale / 1e6
    for v in variants:
        runner = TileRunner(net, scale, args.device, engines[v])
        with precision(v):
            call = lambda runner=runner: upscale_array(lr, runner, tile, lambda: None)  # noqa: E731
            seconds, peak = timed(call, args.repeats, args.device)
        rows[v].update(s_per_mp=seconds / mp, peak_mb=peak)
    return list(rows.values())


def report(rows: list[dict], served: dict, args, lr: np.ndarray) -> str:
    lines = [
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {machine()};",
        f"device {device_name(args.device)};",
        f"torch {torch.__version__}. `benchmarks/cuda_check.py {' '.join(sys.argv[1:])}`: differences over "
        f"{' + '.join(args.datasets)} (8-bit steps from strict float32 on the device), whole tiled calls on a "
        f"{lr.shape[1]}×{lr.shape[0]} input, best of {args.repeats}.",
        "",
        "| model | scale | views | body | largest difference | values > 1 step off | s / output MP | × strict fp32 "
        "| peak device MB | adopt (≥ 1.3×, ≤ 1 step) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    strict = {(r["model"], r["scale"]): r.get("s_per_mp") for r in rows if r["variant"] == "fp32"}
    for r in rows:
        timing = "– | – | –"
        adopt = "–" if r["variant"] == "fp32" else ("no" if r["largest"] > 1 else "within 1 step")
        if "s_per_mp" in r:
            speed_up = strict[(r["model"], r["scale"])] / r["s_per_mp"]
            timing = f"{r['s_per_mp']:.4f} | {speed_up:.2f} | {r['peak_mb']:.0f}"
            if r["variant"] != "fp32":
                adopt = "yes" if speed_up >= SPEED_UP_TO_ADOPT and r["largest"] <= 1 else "no"
        lines.append(
            f"| {r['model']} | ×{r['scale']} | {r['views']} | {r['variant']} | {r['largest']} | {r['over']:,} "
            f"| {timing} | {adopt} |"
        )
    lines += [
        "",
        f"`mlcore.upscale(image, scale={served['scale']}, model='default', device=...)` as served today (whole call, "
        f"{served['model']}): {served['s_per_mp']:.4f} s / output MP.",
    ]
    return "\n".join(lines) + "\n"


def device_name(device: str) -> str:
    return torch.cuda.get_device_name(device) if device.startswith("cuda") else "cpu (dry run)"


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--scales", nargs="+", type=int, default=[2, 3, 4])
    parser.add_argument("--models", nargs="+", help="zoo names (default: every shipped network)")
    parser.add_argument("--megapixels", type=float, default=12.0, help="the speed input's size (LR pixels)")
    parser.add_argument("--speed-scale", type=int, default=4, help="the scale whose default model is timed")
    parser.add_argument("--datasets", nargs="+", default=["Set5", "Set14"])
    parser.add_argument("--data-root", type=Path, default=settings.SRSITE_DATA_ROOT)
    parser.add_argument("--tile", type=int, help="LR tile side (default: the one mlcore.upscale uses)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("No CUDA device here: pass --device cpu for a dry run.")
    images = [p for dataset in args.datasets for p in dataset_images(args.data_root, dataset)]
    lr = photo(args.megapixels, images)
    rows = []
    for scale in args.scales:
        for name in zoo.model_names(scale):
            if name == zoo.BICUBIC or (args.models and name not in args.models):
                continue
            timed_here = scale == args.speed_scale and name == zoo.default_model(scale)
            rows += check_model(name, scale, args, images, lr if timed_here else None)
            print(rows[-1], flush=True)
    scale, image = args.speed_scale, Image.fromarray(lr)
    call = lambda: upscale(image, scale=scale, model="default", device=args.device)  # noqa: E731
    seconds, _ = timed(call, args.repeats, args.device)
    mp = lr.shape[0] * lr.shape[1] * scale**2 / 1e6
    served = {"scale": scale, "model": zoo.default_model(scale), "s_per_mp": seconds / mp}
    text = report(rows, served, args, lr)
    if args.out:
        args.out.write_text(text)
    print(text)
    return text


if __name__ == "__main__":
    main()
