"""Which edsr_lite bodies fit the 1.0 s per output megapixel budget: the network alone, per scale and body.

    .venv/bin/python benchmarks/edsr_bodies.py [--repeats 3] [--threads 2] [--bf16-body]

One 1024×768 output, channels-last as inference runs it, random weights (speed does not depend on them),
the best of ``--repeats`` after a warm-up; ``--bf16-body`` runs the bodies in bfloat16, as the CPU engine runs
edsr_lite on CPUs with AMX or AVX-512 BF16 (``mlcore.runtime.BF16_BODY_ON_CPU``). Without the colour handling
and tiling of a whole ``mlcore.upscale`` call (``make bench`` measures that for the shipped models). Pause
training while measuring.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_W, OUT_H = 1024, 768
BODIES = {  # (width, blocks): the shipped one first, then candidates
    2: [(32, 6), (32, 8), (40, 6), (48, 6), (32, 10)],
    3: [(48, 6), (48, 8), (64, 6)],
    4: [(64, 6), (64, 8), (64, 9), (64, 10), (80, 6)],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bf16-body", action="store_true", help="the body in bfloat16, as served (native_bf16)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import torch

    from mlcore.archs import build
    from mlcore.runtime import keep_freed_memory

    keep_freed_memory()  # as mlcore.upscale runs
    torch.set_num_threads(args.threads)
    body = "bfloat16" if args.bf16_body else "float32"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, body in {body}")
    print("| scale | body (width×blocks) | parameters | s / output MP |")
    print("|---|---|---|---|")
    for scale, bodies in BODIES.items():
        lr = torch.rand(1, 1, OUT_H // scale, OUT_W // scale).contiguous(memory_format=torch.channels_last)
        for width, blocks in bodies:
            net = build("edsr_lite", scale, {"width": width, "blocks": blocks}).eval()
            net = net.to(memory_format=torch.channels_last)
            net.bf16_body = args.bf16_body
            with torch.inference_mode():
                net(lr)
                best = float("inf")
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    out = net(lr)
                    best = min(best, time.perf_counter() - start)
            mp = out.shape[-1] * out.shape[-2] / 1e6
            print(f"| ×{scale} | {width}×{blocks} | {net.num_parameters():,} | {best / mp:.3f} |")


if __name__ == "__main__":
    main()
