"""manage.py evaluate — PSNR/SSIM of zoo models on the benchmark sets, with speed (docs/spec.md §5)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mlcore import zoo
from mlcore.data import held_out
from mlcore.degradations import parse
from mlcore.errors import SCALES, ModelError, ScaleError
from mlcore.evaluation import dataset_images, evaluate_images, summarise, warm_up

VALIDATION = "validation"


class Command(BaseCommand):
    help = "Evaluate zoo models (PSNR/SSIM on luma, docs/spec.md §4 protocol) and their speed per output megapixel."

    def add_arguments(self, parser):
        parser.add_argument("--models", nargs="+", default=["all"], help="zoo names, 'default' or 'all'")
        parser.add_argument("--scales", nargs="+", type=int, default=list(SCALES))
        parser.add_argument(
            "--datasets",
            nargs="+",
            default=["Set5", "Set14", "BSD100"],
            help=f"folders under --data-root; {VALIDATION}: the images train holds out by default (its cards' "
            "validation numbers), for choosing weights as served without a test set",
        )
        parser.add_argument("--data-root", type=Path, default=settings.SRSITE_DATA_ROOT)
        parser.add_argument("--device", default="cpu")
        parser.add_argument("--json", type=Path, help="write the rows to this JSON file")
        parser.add_argument(
            "--merge",
            action="store_true",
            help="with --json: keep the file's rows this run did not measure (same model, scale, dataset and "
            "degradation: replaced in place; new ones appended)",
        )
        parser.add_argument("--per-image", action="store_true", help="also print each image's numbers")
        parser.add_argument("--record", action="store_true", help="store the clean numbers in the zoo (zoo.json)")
        parser.add_argument(
            "--degradation",
            nargs="+",
            default=["clean"],
            help="applied to each LR before every model: clean, jpeg:Q, noise:S (several: one table each)",
        )

    def _models(self, requested: list[str], scale: int) -> list[str]:
        """Zoo names; ``default`` stays itself (routed per image: clean or restoring model)."""
        if "all" in requested:
            return [zoo.DEFAULT, *zoo.model_names(scale)]
        names = []
        for name in requested:
            try:
                names.append(name if name == zoo.DEFAULT else zoo.resolve_model(name, scale)[0])
            except ModelError as exc:
                raise CommandError(str(exc)) from exc
        return list(dict.fromkeys(names))

    def handle(self, *args, **options):
        if options["merge"] and not options["json"]:
            raise CommandError("--merge needs --json: the file whose rows to keep.")
        earlier = read_rows(options["json"]) if options["merge"] else []
        for scale in options["scales"]:
            if scale not in SCALES:
                raise CommandError(str(ScaleError(scale)))
        try:
            root = options["data_root"]
            files = {d: held_out(root) if d == VALIDATION else dataset_images(root, d) for d in options["datasets"]}
            degradations = {name: parse(name) for name in options["degradation"]}
        except FileNotFoundError as exc:
            raise CommandError(f"{exc} Set SRSITE_DATA_ROOT or pass --data-root.") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = []
        for scale in options["scales"]:
            for model in self._models(options["models"], scale):
                warm_up(model, scale, options["device"])
                for label, degradation in degradations.items():
                    for dataset, paths in files.items():
                        results = list(evaluate_images(paths, model, scale, options["device"], degradation))
                        if options["per_image"]:
                            for r in results:
                                self.stdout.write(
                                    f"{model} x{scale} {label} {dataset}/{r.image}: {r.psnr:.2f} dB, SSIM {r.ssim:.4f}"
                                )
                        rows.append(summarise(results, model, scale, dataset, label))
        for label in degradations:
            self.stdout.write(f"\n{label}:\n" + markdown_table([r for r in rows if r.degradation == label]))
        data = [row.as_dict() for row in rows]
        if options["json"]:
            options["json"].write_text(json.dumps(merged(earlier, data), indent=2) + "\n")
        if options["record"]:
            # the zoo keeps test-set numbers (what the models page shows), not the validation images'
            recorded = [r for r in data if r["degradation"] == "clean" and r["model"] != zoo.DEFAULT]
            zoo.record_measurements([r for r in recorded if r["dataset"] != VALIDATION])


def read_rows(path: Path) -> list[dict]:
    """The rows an earlier ``--json`` wrote ([] when the file is not there yet)."""
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot merge into {path}: {exc}") from exc
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and {"model", "scale", "dataset"} <= r.keys() for r in rows
    ):
        raise CommandError(f"Cannot merge into {path}: it does not hold evaluate's rows.")
    return rows


def merged(earlier: list[dict], new: list[dict]) -> list[dict]:
    """``earlier`` with each row ``new`` measured again replaced in place, then ``new``'s other rows."""

    def key(row: dict) -> tuple:
        return row["model"], row["scale"], row["dataset"], row.get("degradation", "clean")

    fresh = {key(row): row for row in new}
    kept = [fresh.pop(key(row), row) for row in earlier]
    return kept + [row for row in new if key(row) in fresh]


def markdown_table(rows) -> str:
    bicubic = {(r.scale, r.dataset): r.psnr for r in rows if r.model == zoo.BICUBIC}
    lines = [
        "| model | scale | dataset | PSNR (dB) | SSIM | Δ PSNR vs bicubic | s / output MP |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = bicubic.get((r.scale, r.dataset))
        delta = f"{r.psnr - base:+.2f}" if base is not None else "n/a"
        cells = [r.model, f"×{r.scale}", r.dataset, f"{r.psnr:.2f}", f"{r.ssim:.4f}", delta, f"{r.seconds_per_mp:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
