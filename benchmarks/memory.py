"""Peak memory of one ``mlcore.upscale`` call, by image size, each in a fresh process.

    .venv/bin/python benchmarks/memory.py [--model srcnn] [--scale 2] [--sizes 500x375 4000x3000]

The model's weights do not change its memory, so an untrained network of the architecture is
installed into a temporary zoo when the zoo has none.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time
import numpy as np
from PIL import Image
sys.path.insert(0, {root!r})
import mlcore
from mlcore import zoo
if {zoo_dir!r}:
    zoo.WEIGHTS_DIR = __import__("pathlib").Path({zoo_dir!r})
w, h = {width}, {height}
img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8))
mlcore.upscale(Image.new("RGB", (32, 32)), scale={scale}, model={model!r}, device="cpu")  # load weights, warm up
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
out = mlcore.upscale(img, scale={scale}, model={model!r}, device="cpu")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"size": f"{{w}}x{{h}}", "out": f"{{out.size[0]}}x{{out.size[1]}}", "seconds": round(seconds, 2),
                  "rss_before_mb": round(before / 1024), "peak_rss_mb": round(peak / 1024),
                  "images_mb": round((w * h * 3 * (1 + {scale} ** 2)) / 2**20)}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="srcnn")
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--sizes", nargs="+", default=["500x375", "4000x3000"])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from mlcore import zoo

    with tempfile.TemporaryDirectory() as tmp:
        zoo_dir = ""
        if (args.model, args.scale) not in zoo.cards() and args.model != "bicubic":
            from mlcore.archs import build
            from mlcore.checkpoints import save

            save(Path(tmp), build(args.model, args.scale), {"name": args.model, "arch": args.model})
            zoo_dir = tmp
        for size in args.sizes:
            width, height = map(int, size.split("x"))
            code = CHILD.format(
                root=str(ROOT), zoo_dir=zoo_dir, width=width, height=height, scale=args.scale, model=args.model
            )
            result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            row = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{args.model} x{args.scale} {row['size']} -> {row['out']}: peak RSS {row['peak_rss_mb']} MB "
                f"(after loading {row['rss_before_mb']} MB; input+output images {row['images_mb']} MB), "
                f"{row['seconds']} s"
            )
    print(f"(ru_maxrss of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)")


if __name__ == "__main__":
    main()
