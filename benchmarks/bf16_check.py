"""Whether a model may run its body in bfloat16: the largest difference between the float32 and the bfloat16
engine's 8-bit outputs over every Set5 and Set14 image, whole, each run with its card's self-ensemble views (or
``--views``).

    .venv/bin/python benchmarks/bf16_check.py [--models edsr_lite edsr_lite_restore ...] [--scales 2 3 4] [--views 3]
        [--candidates runs/zoo_x]

``--candidates`` checks the weights a training run installed in that zoo folder (``train --zoo-dir``) before they are
copied beside the shipped ones, with the shipped card's views.

``mlcore.runtime.BF16_BODY_ON_CPU`` gives, per (architecture, scale), the fewest views with which every shipped
model stayed within one 8-bit step (docs/speed.md, "bfloat16 body", "bfloat16 bought views"). Reads
../shared/datasets; no timing, so other work may run.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"


def main() -> None:
    from mlcore import zoo
    from mlcore.checkpoints import ensemble_passes, load, read_card
    from mlcore.runtime import torch_engine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["edsr_lite", "edsr_lite_restore", "edsr_lite_denoise"])
    parser.add_argument("--scales", nargs="+", type=int, default=[2, 3, 4])
    parser.add_argument("--views", type=int, help="run every model with this many views instead of its card's")
    parser.add_argument("--candidates", type=Path, help="a train --zoo-dir folder: check its weights instead")
    args = parser.parse_args()
    images = sorted((DATASETS / "Set5").glob("*.png")) + sorted((DATASETS / "Set14").glob("*.png"))
    if not images:
        raise SystemExit(f"No Set5/Set14 images under {DATASETS}.")
    print("| model | scale | views | largest difference (8-bit steps) | values off by more than one | values |")
    print("|---|---|---|---|---|---|")
    for name in args.models:
        for scale in args.scales:
            if (name, scale) not in zoo.cards():
                continue
            shipped = zoo.card_path(name, scale)
            net, _ = load(args.candidates / shipped.name if args.candidates else shipped)
            views = args.views or ensemble_passes(read_card(shipped))
            fp32, bf16 = torch_engine(net, "cpu", passes=views), torch_engine(net, "cpu", bf16_body=True, passes=views)
            largest, over, total = 0, 0, 0
            for path in images:
                lr = np.asarray(Image.open(path).convert("RGB"))
                diff = np.abs(fp32(lr).astype(int) - bf16(lr).astype(int))
                largest, over, total = max(largest, int(diff.max())), over + int((diff > 1).sum()), total + diff.size
            print(f"| {name} | ×{scale} | {views} | {largest} | {over} | {total:,} |", flush=True)


if __name__ == "__main__":
    main()
