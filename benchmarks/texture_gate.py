"""Would a texture gate route noisy PNGs better? Texture reads as noise to mlcore.restoration's estimator, and
halving the image tells them apart in part: white noise's estimate halves with the image (each pixel then
averages four), texture's stays or grows (it gets denser). The gate leaves an image the estimate calls noisy
(σ ≥ NOISE_SIGMA_THRESHOLD) with the clean model when its halved copy reads at least as noisy.

On the training images' held-out split (never a test set), for clean LR and LR with Gaussian noise of each σ: for
every image auto restores today, the clean model's and the restoring model's PSNR (the scale's noise model where
the zoo has one, else the photo model; views as served), and what the gate would change in the split's mean.
Measured and rejected (docs/restoration.md, "A texture gate for the noise route").

    .venv/bin/python benchmarks/texture_gate.py --scale 4 [--verbose]
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srsite.settings_engine")  # for SRSITE_DATA_ROOT

from django.conf import settings  # noqa: E402

from benchmarks.restore_threshold import model  # noqa: E402
from mlcore import choose_model, zoo  # noqa: E402
from mlcore.data import held_out, make_pairs  # noqa: E402
from mlcore.degradations import Degradation, apply, image_seed  # noqa: E402
from mlcore.inference import run_network  # noqa: E402
from mlcore.metrics import psnr  # noqa: E402
from mlcore.restoration import noise_sigma  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--data-root", type=Path, default=settings.SRSITE_DATA_ROOT)
    parser.add_argument("--verbose", action="store_true", help="a line per image auto restores")
    args = parser.parse_args()
    s = args.scale
    val = make_pairs(held_out(args.data_root), s)
    clean = model(zoo.card_path(zoo.default_model(s), s))
    restoring = {}  # the model auto takes for a noisy PNG (the noise model where the zoo has one), as choose_model says
    print(f"×{s}, {len(val)} validation images; change in mean PSNR (dB) against the clean model for all:")
    for sigma in (0, 5, 7.5, 10, 12):
        today = gated = 0.0
        lines = []
        for p in val:
            sent = apply(p.hr, s, Degradation(noise=sigma, seed=image_seed(p.name)))
            choice = choose_model(sent, scale=s)  # the shipped zoo's routing, as auto serves it
            if not choice.restoring:
                continue  # auto keeps the clean model, with or without the gate
            if choice.name not in restoring:
                restoring[choice.name] = model(zoo.card_path(choice.name, s))
            read = choice.inspection.noise_sigma
            halved = noise_sigma(np.asarray(sent.convert("L").reduce(2)))
            keep_clean = halved >= read  # the gate
            lr = np.asarray(sent)
            nets = (clean, restoring[choice.name])
            a, b = (psnr(run_network(net, lr, s, passes=passes), p.hr, scale=s) for net, passes in nets)
            today += b - a
            gated += 0.0 if keep_clean else b - a
            gate = "gated" if keep_clean else "     "
            line = f"{p.name:>8}: σ {read:5.1f}, halved {halved:5.1f} {gate} clean {a:.3f}, restoring {b:.3f}"
            lines.append("    " + line)
        n = len(val)
        print(
            f"σ {sigma:>4}: auto restores {len(lines):2}; auto {today / n:+.4f}, with the gate {gated / n:+.4f} "
            f"(the gate: {(gated - today) / n:+.4f})"
        )
        if args.verbose:
            print("\n".join(lines))


if __name__ == "__main__":
    main()
