"""A crop grid for the eye: one BSD100 image at ×4 from a JPEG q50 LR — the input as sent (pixels
enlarged), bicubic, the clean model, the restoring (photo) model, the scale's JPEG model where it has one
(what ``default`` takes for a JPEG of quality ≤ 82) and the ground truth.

    .venv/bin/python benchmarks/restoration_grid.py            # writes docs/restoration_grid.png
    .venv/bin/python benchmarks/restoration_grid.py --image 148026 --quality 30 --scale 2
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srsite.settings_engine")  # for SRSITE_DATA_ROOT

from django.conf import settings  # noqa: E402

from mlcore import psnr, upscale, zoo  # noqa: E402
from mlcore.degradations import Degradation, apply  # noqa: E402
from mlcore.imaging import modcrop  # noqa: E402

LABEL_HEIGHT = 22


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-root", type=Path, default=settings.SRSITE_DATA_ROOT)
    parser.add_argument("--image", default="253027", help="a BSD100 file name (its start)")
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--quality", type=int, default=50)
    parser.add_argument("--crop", type=int, default=72, help="LR crop side (centre of the image)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "restoration_grid.png")
    args = parser.parse_args()
    matches = sorted((args.data_root / "BSD100").glob(f"{args.image}*"))
    if not matches:
        raise SystemExit(f"No BSD100 image starting with {args.image!r} in {args.data_root}.")
    s = args.scale
    hr = modcrop(np.asarray(Image.open(matches[0]).convert("RGB")), s)
    lr = apply(hr, s, Degradation(jpeg=args.quality))
    clean, restoring = zoo.default_model(s), zoo.restoring_model(s)
    if restoring is None:
        raise SystemExit(f"No restoring model is declared for ×{s} in zoo.json.")
    outputs = [
        (f"input JPEG q{args.quality}", lr.convert("RGB").resize((lr.width * s, lr.height * s), Image.NEAREST)),
        ("bicubic", upscale(lr, scale=s, model="bicubic", device="cpu")),
        (clean, upscale(lr, scale=s, model=clean, device="cpu")),
        (restoring, upscale(lr, scale=s, model=restoring, device="cpu")),
    ]
    if jpeg_model := zoo.jpeg_model(s):
        outputs.append((jpeg_model, upscale(lr, scale=s, model=jpeg_model, device="cpu")))
    outputs.append(("ground truth", Image.fromarray(hr)))
    c = args.crop * s
    top, left = (hr.shape[0] - c) // 2 // s * s, (hr.shape[1] - c) // 2 // s * s
    grid = Image.new("RGB", (len(outputs) * (c + 4), c + LABEL_HEIGHT), "white")
    draw = ImageDraw.Draw(grid)
    for i, (label, image) in enumerate(outputs):
        if label not in {"ground truth"} and not label.startswith("input"):
            label = f"{label}  {psnr(np.asarray(image), hr, scale=s):.2f} dB"
        grid.paste(image.crop((left, top, left + c, top + c)), (i * (c + 4), LABEL_HEIGHT))
        draw.text((i * (c + 4) + 4, 4), label, fill="black")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.out, optimize=True)
    print(f"wrote {args.out} ({matches[0].name}, ×{s}, JPEG q{args.quality})")


if __name__ == "__main__":
    main()
