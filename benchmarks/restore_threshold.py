"""Where the photo model starts to beat the clean one, the JPEG model the photo model, and the low-quality JPEG
model the JPEG model, on the training images' validation split (the split `manage.py train` holds out: 10 %,
seed 0), never on test sets: mean PSNR of each on LR saved at each JPEG quality and with each noise σ (the
noise model beside the photo model on noisy LR where the zoo folder has one). Sets mlcore.restoration's
thresholds. Which model auto takes for each JPEG row is ``mlcore.choose_model`` on each saved LR (the shipped
zoo's routing, with the quality it estimates from the file), the most common answer shown.

    .venv/bin/python benchmarks/restore_threshold.py --scale 2 [--zoo runs/zoo_restore] [--pipelines jpeg ...]
        [--kinds noise]  (the clean and noisy rows only: a noise model's candidates)
"""

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srsite.settings_engine")  # for SRSITE_DATA_ROOT

from django.conf import settings  # noqa: E402

from mlcore import choose_model, zoo  # noqa: E402
from mlcore.checkpoints import ensemble_passes, load  # noqa: E402
from mlcore.data import degrade_pairs, held_out, make_pairs  # noqa: E402
from mlcore.degradations import PIPELINES, Degradation, apply, image_seed  # noqa: E402
from mlcore.inference import run_network  # noqa: E402
from mlcore.metrics import psnr  # noqa: E402
from mlcore.restoration import JPEG_QUALITY_THRESHOLD, noise_sigma  # noqa: E402
from mlcore.training import validate  # noqa: E402

NOISE_THRESHOLDS = (6.0, 7.5, 9.0, 10.5)


def model(card_path: Path) -> tuple:
    """(network, passes): a zoo model and its card's self-ensemble, run as `mlcore.upscale` serves it."""
    net, card = load(card_path)
    return net, ensemble_passes(card)


def auto_side(image, scale: int) -> str:
    """Which model ``mlcore.choose_model`` (the shipped zoo's routing) sends this image to, as the rows name it."""
    choice = choose_model(image, scale=scale)
    if choice.route == "jpeg":
        return "low-quality JPEG" if choice.name == zoo.low_jpeg_model(scale) else "JPEG"
    return choice.route  # "photo", "noise" or "clean"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--data-root", type=Path, default=settings.SRSITE_DATA_ROOT)
    parser.add_argument("--zoo", type=Path, default=ROOT / "mlcore" / "weights", help="where the photo/JPEG models are")
    parser.add_argument(
        "--pipelines",
        nargs="*",
        default=[],
        choices=sorted(PIPELINES),
        help="also score the models on these training pipelines' validation draws (blur, resizes, noise, JPEG mixed)",
    )
    parser.add_argument("--kinds", nargs="+", choices=("jpeg", "noise"), default=["jpeg", "noise"])
    args = parser.parse_args()
    s = args.scale
    val = make_pairs(held_out(args.data_root), s)
    clean = model(zoo.card_path(zoo.default_model(s), s))
    photo = model(args.zoo / f"edsr_lite_restore_x{s}.json")
    cards = (args.zoo / f"edsr_lite_{role}_x{s}.json" for role in ("jpeg", "jpeg_low", "denoise"))
    jpeg_model, low_model, noise_model = (model(card) if card.exists() else None for card in cards)
    low_model = low_model if jpeg_model else None  # as the zoo serves it: only beside a JPEG model
    qualities = (95, 92, 90, 87, 85, 82, 80, 78, 75, 70, 65, 60, 55, 50, 40)
    cases = [Degradation()] + [Degradation(jpeg=q) for q in qualities if "jpeg" in args.kinds]
    cases += [Degradation(noise=n) for n in (3, 5, 7.5, 10, 12) if "noise" in args.kinds]
    print(f"×{s}, {len(val)} validation images: mean PSNR (dB) of the clean model / the photo model / difference;")
    print(f"then auto's (JPEG files routed by quality, others by noise σ ≥ each of {NOISE_THRESHOLDS}, to the noise")
    print("model where the folder has one)")
    for d in cases:
        third = jpeg_model if d.jpeg else noise_model  # the model auto sends such a file to, besides the photo model
        nets = (clean, photo) if third is None else (clean, photo, third)
        nets += (low_model,) if d.jpeg and low_model else ()
        scores, sigmas, sides = [], [], []
        for p in val:
            sent = apply(p.hr, s, Degradation(d.blur, d.resize, d.noise, False, d.jpeg, image_seed(p.name)))
            sides.append(auto_side(sent, s))
            lr = np.asarray(sent)
            scores.append([psnr(run_network(net, lr, s, passes=passes), p.hr, scale=s) for net, passes in nets])
            if d.jpeg:  # a JPEG file is routed by its quality, whatever its noise reads
                sigmas.append(np.inf if d.jpeg <= JPEG_QUALITY_THRESHOLD else -np.inf)
            else:
                sigmas.append(noise_sigma(np.asarray(apply(p.hr, s, d).convert("L"))))
        scores, sigmas = np.array(scores), np.array(sigmas)
        a, b = scores[:, :2].mean(axis=0)
        restoring = scores[:, 2] if third is not None and not d.jpeg else scores[:, 1]  # a noisy PNG: the noise model
        auto = [np.where(sigmas >= t, restoring, scores[:, 0]).mean() for t in NOISE_THRESHOLDS]
        line = f"{d.describe():>20}: {a:.3f} / {b:.3f} / {b - a:+.3f}; auto " + " / ".join(f"{x:.3f}" for x in auto)
        if third is not None:
            c = scores[:, 2].mean()
            line += f"; {'JPEG' if d.jpeg else 'noise'} model {c:.3f} ({c - b:+.3f} over the photo model)"
        if len(nets) == 4:
            low = scores[:, 3].mean()
            line += f"; low-quality JPEG model {low:.3f} ({low - c:+.3f} over the JPEG model)"
        if third is not None and d.jpeg:
            ((side, count),) = Counter(sides).most_common(1)
            share = f" ({count} of {len(sides)})" if count < len(sides) else ""  # qualities as estimated from the file
            line += f", auto takes the {side} model{share}"
        print(line)
    for name in args.pipelines:  # what `train --degradation NAME` validates on: one fixed draw per image
        pairs = degrade_pairs(val, s, PIPELINES[name], seed=0)
        named = {"clean": clean, "photo": photo, "JPEG": jpeg_model, "low-quality JPEG": low_model}
        named["noise"] = noise_model
        named = {label: net for label, net in named.items() if net is not None}
        scores = [validate(net, pairs, s, "cpu")[0] for net, _ in named.values()]  # one pass, as training selects
        print(f"{'pipeline ' + name:>20}: " + " / ".join(f"{x:.3f}" for x in scores) + f" ({' / '.join(named)} model)")


if __name__ == "__main__":
    main()
