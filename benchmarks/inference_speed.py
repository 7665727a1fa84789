"""Inference speed of every zoo model and scale: seconds per output megapixel for a 1024×768 result.

    .venv/bin/python benchmarks/inference_speed.py [--repeats 3] [--threads N] [--device cpu]

The input is a crop of a real photo (BSD100 from SRSITE_DATA_ROOT, tiled to size), shrunk with the
project's bicubic; the best of ``--repeats`` timed runs after a warm-up. Pause training while measuring.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUT_W, OUT_H = 1024, 768


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srsite.settings_engine")
    import torch
    from django.conf import settings

    import mlcore
    from mlcore import zoo

    if args.threads:
        torch.set_num_threads(args.threads)
    folder = settings.SRSITE_DATA_ROOT / "BSD100"
    source = sorted(folder.glob("*.png"))
    if not source:
        raise SystemExit(f"No images in {folder} (set SRSITE_DATA_ROOT).")
    hr = np.asarray(Image.open(source[0]).convert("RGB"))
    hr = np.tile(hr, (OUT_H // hr.shape[0] + 1, OUT_W // hr.shape[1] + 1, 1))[:OUT_H, :OUT_W]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    print("| model | scale | input | output | s / output MP |")
    print("|---|---|---|---|---|")
    for scale in (2, 3, 4):
        lr = mlcore.downscale(Image.fromarray(hr), scale)
        for name in zoo.model_names(scale):
            mlcore.upscale(lr, scale=scale, model=name, device=args.device)  # warm-up, weights loaded
            best = float("inf")
            for _ in range(args.repeats):
                start = time.perf_counter()
                out = mlcore.upscale(lr, scale=scale, model=name, device=args.device)
                best = min(best, time.perf_counter() - start)
            mp = out.size[0] * out.size[1] / 1e6
            print(f"| {name} | ×{scale} | {lr.size[0]}×{lr.size[1]} | {out.size[0]}×{out.size[1]} | {best / mp:.3f} |")


if __name__ == "__main__":
    main()
