"""manage.py train — train a zoo architecture, with progress, metrics, plots, checkpoints (docs/spec.md §5)."""

import json
import math
import shlex
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mlcore import checkpoints, zoo
from mlcore.archs import ARCHS
from mlcore.data import SPLIT_SEED, TRAINING_SETS, VAL_SPLIT, image_files, make_pairs, paired_pairs, split
from mlcore.degradations import PIPELINES
from mlcore.errors import SCALES, ModelError
from mlcore.management import training_packages
from mlcore.reporting import Checkpointer, Installer, MetricsWriter, Plotter, ProgressBar
from mlcore.training import LOSSES, OPTIMIZERS, SCHEDULES, TrainConfig, load_state, train


def _commit() -> str:
    """The code's commit; settings.SRSITE_COMMIT names it where the tree travelled without git (a rented GPU)."""
    if settings.SRSITE_COMMIT:
        return settings.SRSITE_COMMIT
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _arch_args(pairs: list[str]) -> dict:
    args = {}
    for item in pairs:
        key, _, value = item.partition("=")
        args[key] = value.lower() == "true" if value.lower() in {"true", "false"} else int(value)
    return args


class Command(BaseCommand):
    help = "Train a super-resolution network on HR folders (LR made with MATLAB bicubic) or LR/HR pairs."

    def add_arguments(self, parser):
        parser.add_argument("arch", choices=sorted(ARCHS))
        parser.add_argument("--scale", type=int, choices=SCALES, required=True)
        parser.add_argument("--arch-arg", nargs="*", default=[], metavar="KEY=VALUE", help="e.g. width=48 blocks=6")
        parser.add_argument("--name", help="zoo name (default: the architecture)")
        root = settings.SRSITE_DATA_ROOT
        parser.add_argument("--data", nargs="+", type=Path, default=[root / name for name in TRAINING_SETS])
        parser.add_argument("--lr-dir", type=Path, help="paired layout: LR images (with --hr-dir)")
        parser.add_argument("--hr-dir", type=Path)
        parser.add_argument("--val-split", type=float, default=VAL_SPLIT)
        parser.add_argument("--val-data", type=Path, help="a folder of HR validation images instead of a split")
        parser.add_argument("--epochs", type=int, default=10)
        parser.add_argument("--iterations", type=int, help="total steps (overrides --epochs)")
        parser.add_argument(
            "--minutes",
            type=float,
            help="a time budget instead of --epochs/--iterations: the schedule follows the elapsed time",
        )
        parser.add_argument("--steps-per-epoch", type=int, default=500)
        parser.add_argument("--batch-size", type=int, default=16)
        parser.add_argument("--patch-size", type=int, default=48, help="LR patch side")
        parser.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
        parser.add_argument("--lr", type=float, default=1e-3)
        parser.add_argument("--schedule", choices=SCHEDULES, default="cosine")
        parser.add_argument("--loss", choices=LOSSES, default="l1")
        parser.add_argument("--seed", type=int, default=0, help="draws the patches and the initial weights")
        parser.add_argument(
            "--split-seed",
            type=int,
            default=SPLIT_SEED,
            help="draws the validation split and its degradations: keep it to compare runs of different --seed",
        )
        parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
        parser.add_argument("--threads", type=int, help="torch CPU threads")
        parser.add_argument("--init-from", type=Path, help="start from these weights (matching tensors)")
        parser.add_argument("--run-dir", type=Path, help="default: runs/<name>_x<scale>")
        parser.add_argument("--resume", action="store_true", help="continue from the run folder's checkpoint")
        parser.add_argument(
            "--install",
            action="store_true",
            help="put the best weights into the zoo, keeping how the card they replace serves the model "
            "(self_ensemble); a --zoo-dir without that card takes it from the shipped card",
        )
        parser.add_argument("--zoo-dir", type=Path, default=None, help="default: mlcore/weights")
        parser.add_argument("--hint", default="", help="one-line quality/speed hint shown to users")
        parser.add_argument(
            "--degradation",
            choices=sorted(PIPELINES),
            help="make each LR patch on the fly with blur, resize, noise and JPEG (a restoring model)",
        )
        parser.add_argument(
            "--rescale",
            nargs="+",
            type=float,
            default=[],
            metavar="FACTOR",
            help="scale augmentation: also train on every image shrunk by these factors (e.g. 0.9 0.8 0.7 0.6)",
        )
        parser.add_argument(
            "--ema",
            type=float,
            metavar="DECAY",
            help="validate and install a moving average of the weights, with this decay per step (e.g. 0.999)",
        )
        parser.add_argument(
            "--bf16-body",
            action="store_true",
            help="run the network's body in bfloat16 (about 2x faster on CPUs with AMX; weights stay float32)",
        )

    def handle(self, *args, **o):
        training_packages.require("tqdm", "matplotlib")
        import torch

        if o["threads"]:
            torch.set_num_threads(o["threads"])
        name = o["name"] or o["arch"]
        run_dir = o["run_dir"] or Path(settings.BASE_DIR) / "runs" / f"{name}_x{o['scale']}"
        run_dir.mkdir(parents=True, exist_ok=True)
        try:
            config = self._config(o)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        ancestry = self._ancestry(o, run_dir)
        train_pairs, val_pairs, data_desc = self._data(o)
        state = None
        checkpoint = run_dir / "checkpoint.pt"
        if o["resume"]:
            if not checkpoint.exists():
                raise CommandError(f"Nothing to resume: {checkpoint} does not exist.")
            state = load_state(checkpoint)
        subscribers = [
            ProgressBar(config.total_steps, self.stderr._out),
            MetricsWriter(run_dir),
            Plotter(run_dir),
            Checkpointer(run_dir),
        ]
        if o["install"]:
            card = {
                "name": name,
                "hint": o["hint"],
                "command": self.command_line(o),
                "commit": _commit(),
                "data": {
                    "train": data_desc,
                    "train_images": len(train_pairs),
                    "val_images": len(val_pairs),
                    "val": str(o["val_data"]) if o["val_data"] else f"split {o['val_split']} seed {o['split_seed']}",
                },
                "ancestry": ancestry,
            }
            subscribers.append(Installer(o["zoo_dir"] or zoo.WEIGHTS_DIR, card, config, self.stdout))
        result = train(config, train_pairs, val_pairs, emit=lambda e: [s(e) for s in subscribers], state=state)
        best = result["best"]
        self.stdout.write(
            f"best validation: {best['val_psnr']:.3f} dB / {best['val_ssim']:.4f} at epoch {best['epoch']}"
        )

    def _ancestry(self, o, run_dir: Path) -> list[dict]:
        """The stages that made the --init-from weights (``checkpoints.ancestry``), for the card. Kept in the run
        folder: a ``--resume`` after installing over those very weights still names the stages before them."""
        kept = run_dir / "ancestry.json"
        if o["resume"] and kept.exists():
            return json.loads(kept.read_text())
        try:
            stages = checkpoints.ancestry(o["init_from"]) if o["init_from"] else []
        except ModelError as exc:
            raise CommandError(f"--init-from: {exc}") from exc
        kept.write_text(json.dumps(stages, indent=2) + "\n")
        return stages

    def command_line(self, options: dict) -> str:
        """The command that reproduces this run: the positional and every option that differs from its default."""
        parser = self.create_parser("manage.py", "train")
        words = ["python", "manage.py", "train"]
        for action in parser._actions:
            value = options.get(action.dest)
            if action.dest in {"help", "resume", "install"} or action.dest not in options:
                continue
            if not action.option_strings:
                words.append(str(value))
            elif value != action.default and action.dest not in {
                "verbosity",
                "settings",
                "pythonpath",
                "traceback",
                "no_color",
                "force_color",
                "skip_checks",
            }:
                flag = action.option_strings[-1]
                if value is True:
                    words.append(flag)
                elif isinstance(value, list):
                    words += [flag, *map(str, value)]
                else:
                    words += [flag, str(value)]
        return shlex.join([*words, "--install"])

    def _config(self, o) -> TrainConfig:
        from mlcore.inference import resolve_device

        steps = o["steps_per_epoch"]
        epochs = math.ceil(o["iterations"] / steps) if o["iterations"] else o["epochs"]
        return TrainConfig(
            arch=o["arch"],
            scale=o["scale"],
            arch_args=_arch_args(o["arch_arg"]),
            optimizer=o["optimizer"],
            lr=o["lr"],
            schedule=o["schedule"],
            loss=o["loss"],
            epochs=epochs,
            steps_per_epoch=steps,
            batch_size=o["batch_size"],
            patch_size=o["patch_size"],
            seed=o["seed"],
            split_seed=o["split_seed"],
            device=resolve_device(o["device"]),
            init_from=str(o["init_from"]) if o["init_from"] else None,
            minutes=o["minutes"],
            degradation=o["degradation"],
            bf16_body=o["bf16_body"],
            rescale=tuple(o["rescale"]),
            ema=o["ema"],
        )

    def _data(self, o):
        try:
            if o["lr_dir"] or o["hr_dir"]:
                if not (o["lr_dir"] and o["hr_dir"]):
                    raise CommandError("--lr-dir and --hr-dir go together.")
                if o["rescale"]:
                    raise CommandError("--rescale makes each LR by bicubic; it does not go with --lr-dir/--hr-dir.")
                pairs = paired_pairs(o["lr_dir"], o["hr_dir"], o["scale"])
                desc = [str(o["lr_dir"]), str(o["hr_dir"])]
            else:
                pairs = make_pairs(image_files(o["data"]), o["scale"])
                desc = [str(p) for p in o["data"]]
            if o["val_data"]:
                return pairs, make_pairs(image_files([o["val_data"]]), o["scale"]), desc
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        train_pairs, val_pairs = split(pairs, o["val_split"], o["split_seed"])
        return train_pairs, val_pairs, desc
