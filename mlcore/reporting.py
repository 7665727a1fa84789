"""Subscribers to the training loop's events: progress bar, metrics files, plots, checkpoints."""

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from mlcore import zoo
from mlcore.checkpoints import SERVING_FIELDS, read_card
from mlcore.training import Event, save_state

COLUMNS = ("epoch", "train_loss", "val_psnr", "val_ssim", "seconds", "lr")


class ProgressBar:
    """tqdm over all steps, with the running loss; ETA from tqdm."""

    def __init__(self, total_steps: int, stream):
        self.total, self.stream, self.bar = total_steps, stream, None

    def __call__(self, event: Event) -> None:
        from tqdm import tqdm

        if event.kind == "start":
            done = event.data["start_epoch"] * event.data["config"]["steps_per_epoch"]
            self.bar = tqdm(total=self.total, initial=done, file=self.stream, unit="step", dynamic_ncols=True)
            fresh = event.data["init_fresh"]
            if fresh:
                message = f"--init-from left {len(fresh)} tensors as initialised (no match): {', '.join(fresh)}"
                self.bar.write(message, file=self.stream)
        elif event.kind == "step":
            self.bar.update(1)
            if "loss" in event.data:
                self.bar.set_postfix(loss=f"{event.data['loss']:.4f}", lr=f"{event.data['lr']:.1e}")
        elif event.kind == "epoch":
            self.bar.write(
                f"epoch {event.data['epoch']}: loss {event.data['train_loss']:.5f}, "
                f"val {event.data['val_psnr']:.3f} dB / {event.data['val_ssim']:.4f}, {event.data['seconds']:.0f} s"
                + (" (best)" if event.data["is_best"] else "")
            )
        elif event.kind == "end":
            self.bar.close()


class MetricsWriter:
    """metrics.csv and metrics.json in the run folder, rewritten each epoch."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir

    def __call__(self, event: Event) -> None:
        if event.kind != "epoch":
            return
        history = event.data["state"]["history"]
        with open(self.run_dir / "metrics.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows({k: row[k] for k in COLUMNS} for row in history)
        (self.run_dir / "metrics.json").write_text(json.dumps(history, indent=2) + "\n")


def plot_history(history: list[dict], run_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r["epoch"] for r in history]
    for key, label, name in (
        ("train_loss", "training loss", "loss.png"),
        ("val_psnr", "validation PSNR (dB)", "psnr.png"),
    ):
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(epochs, [r[key] for r in history], "k-")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(run_dir / name, dpi=100)
        plt.close(fig)


class Plotter:
    """loss.png and psnr.png per epoch."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir

    def __call__(self, event: Event) -> None:
        if event.kind == "epoch":
            plot_history(event.data["state"]["history"], self.run_dir)


class Checkpointer:
    """checkpoint.pt (resumable) after every epoch."""

    def __init__(self, run_dir: Path):
        self.path = run_dir / "checkpoint.pt"

    def __call__(self, event: Event) -> None:
        if event.kind == "epoch":
            save_state(event.data["state"], self.path)


class Installer:
    """Puts each new best epoch's weights into the zoo with a model card, so an interrupted run still
    leaves its best model installed (and a later run can continue from it with ``--init-from``)."""

    def __init__(self, zoo_dir: Path, card: dict, config, stdout):
        self.zoo_dir, self.card, self.config, self.stdout = zoo_dir, card, config, stdout

    def __call__(self, event: Event) -> None:
        if event.kind != "epoch" or not event.data["is_best"]:
            return
        from mlcore.archs import build
        from mlcore.checkpoints import save

        state = event.data["state"]
        best = state["best"]
        net = build(self.config.arch, self.config.scale, self.config.arch_args)
        net.load_state_dict(best["weights"])
        card = {
            **self.card,
            "arch": self.config.arch,
            "arch_args": self.config.arch_args,
            "training": {
                **self.config.as_dict(),
                "wall_seconds": round(sum(r["seconds"] for r in state["history"])),
                "steps": sum(r.get("steps", self.config.steps_per_epoch) for r in state["history"]),
                "finished_epoch": best["epoch"],
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            "validation": {"psnr": round(best["val_psnr"], 3), "ssim": round(best["val_ssim"], 4)},
        }
        source, replaced = self._replaced(net.scale)
        kept = {key: value for key, value in replaced.items() if key in SERVING_FIELDS}
        weights, _ = save(self.zoo_dir, net, {**card, **kept})
        self.stdout.write(
            f"installed {weights} (validation {best['val_psnr']:.3f} dB)"
            + "".join(f"; kept {key} {value} from {source}" for key, value in kept.items())
        )

    def _replaced(self, scale: int) -> tuple[str, dict]:
        """The card these weights replace, and which one it is: the card in the zoo folder they go to, else the
        shipped zoo's card of the same name and scale (weights from a run in a scratch ``--zoo-dir`` are there to be
        copied over it, so they keep how the zoo serves the model), else none."""
        name = self.card["name"]
        here, shipped = Path(self.zoo_dir) / f"{name}_x{scale}.json", zoo.card_path(name, scale)
        if here.exists():
            return "the card it replaces", read_card(here)
        if shipped.exists():
            return f"the shipped card {shipped}", read_card(shipped)
        return "", {}
