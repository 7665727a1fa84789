"""manage.py compare_optimizers — the report's §5.1 experiment: MBGD, SGD-momentum, RMSprop and Adam
from the same initial weights on the same patches; one loss-per-epoch plot and a table (docs/spec.md §5).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mlcore.archs import ARCHS
from mlcore.data import image_files, make_pairs, split
from mlcore.errors import SCALES
from mlcore.management import training_packages
from mlcore.training import OPTIMIZERS, TrainConfig, train

LABELS = {"sgd": "MBGD", "momentum": "SGD-momentum", "rmsprop": "RMSprop", "adam": "Adam"}
STYLES = {"sgd": "r:", "momentum": "g--", "rmsprop": "b-.", "adam": "k-"}  # the report's line styles
# Each optimizer at a learning rate usual for it (one rate for all would stall MBGD or blow up RMSprop).
DEFAULT_LRS = {"sgd": 0.1, "momentum": 0.01, "rmsprop": 1e-4, "adam": 1e-4}


class Command(BaseCommand):
    help = "Compare MBGD, SGD-momentum, RMSprop and Adam from the same start (the report's §5.1)."

    def add_arguments(self, parser):
        parser.add_argument("--arch", choices=sorted(ARCHS), default="srcnn")
        parser.add_argument("--scale", type=int, choices=SCALES, default=3)
        parser.add_argument("--data", nargs="+", type=Path, default=[settings.SRSITE_DATA_ROOT / "T91"])
        parser.add_argument("--val-split", type=float, default=0.2)
        parser.add_argument("--epochs", type=int, default=50)
        parser.add_argument("--steps-per-epoch", type=int, default=50)
        parser.add_argument("--batch-size", type=int, default=16)
        parser.add_argument("--patch-size", type=int, default=16)
        parser.add_argument("--loss", choices=["mse", "l1"], default="mse")
        parser.add_argument("--optimizers", nargs="+", choices=OPTIMIZERS, default=list(OPTIMIZERS))
        parser.add_argument("--lr", nargs="*", default=[], metavar="OPTIMIZER=RATE", help="e.g. adam=3e-4")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--device", default="cpu")
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "runs" / "compare_optimizers")

    def handle(self, *args, **o):
        training_packages.require("matplotlib")
        rates = dict(DEFAULT_LRS)
        for item in o["lr"]:
            name, _, value = item.partition("=")
            if name not in OPTIMIZERS:
                raise CommandError(f"Unknown optimizer {name!r} in --lr.")
            rates[name] = float(value)
        try:
            pairs = make_pairs(image_files(o["data"]), o["scale"])
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        train_pairs, val_pairs = split(pairs, o["val_split"], o["seed"])
        o["out"].mkdir(parents=True, exist_ok=True)
        results = {}
        for name in o["optimizers"]:
            config = TrainConfig(
                arch=o["arch"],
                scale=o["scale"],
                optimizer=name,
                lr=rates[name],
                schedule="constant",
                loss=o["loss"],
                epochs=o["epochs"],
                steps_per_epoch=o["steps_per_epoch"],
                batch_size=o["batch_size"],
                patch_size=o["patch_size"],
                seed=o["seed"],
                device=o["device"],
            )  # same seed: the same initial weights and the same patches for every optimizer
            self.stderr.write(f"{LABELS[name]} (lr {rates[name]:g}) …")
            history = train(config, train_pairs, val_pairs)["history"]
            results[name] = {"lr": rates[name], "history": history}
        (o["out"] / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        plot(results, o["out"] / "optimizers.png", o["loss"])
        self.stdout.write(table(results))
        self.stdout.write(f"\nplot: {o['out'] / 'optimizers.png'}; data: {o['out'] / 'results.json'}")


def table(results: dict) -> str:
    lines = [
        "| optimizer | learning rate | final training loss | best loss | final validation PSNR (dB) |",
        "|---|---|---|---|---|",
    ]
    for name, result in results.items():
        history = result["history"]
        lines.append(
            f"| {LABELS[name]} | {result['lr']:g} | {history[-1]['train_loss']:.6f} | "
            f"{min(r['train_loss'] for r in history):.6f} | {history[-1]['val_psnr']:.3f} |"
        )
    return "\n".join(lines)


def plot(results: dict, path: Path, loss: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, result in results.items():
        history = result["history"]
        ax.plot(
            [r["epoch"] for r in history],
            [r["train_loss"] for r in history],
            STYLES[name],
            label=f"{LABELS[name]} (lr {result['lr']:g})",
            linewidth=1.6,
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"training loss ({loss.upper()})")
    ax.set_yscale("log")
    ax.set_title("Optimizers from the same initial weights")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
