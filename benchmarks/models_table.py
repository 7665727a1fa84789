"""Write docs/models.md from `manage.py evaluate --json` rows and the model cards.

    .venv/bin/python manage.py evaluate --models all --scales 2 3 4 --datasets Set5 Set14 BSD100 \\
        --json docs/models.json --record
    .venv/bin/python benchmarks/models_table.py docs/models.json > docs/models.md
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ("Set5", "Set14", "BSD100")
# Published PSNR (dB), from the papers' tables (VDSR's table for SRCNN/FSRCNN as usually cited).
PUBLISHED = {
    "SRCNN 9-1-5, 91 images (ECCV 2014)": {3: {"Set5": 32.39, "Set14": 29.00}},
    "SRCNN (TPAMI 2016)": {2: (36.66, 32.42, 31.36), 3: (32.75, 29.28, 28.41), 4: (30.48, 27.49, 26.90)},
    "FSRCNN (ECCV 2016)": {2: (37.00, 32.63, 31.53), 3: (33.16, 29.43, 28.53), 4: (30.71, 27.59, 26.98)},
    "VDSR (CVPR 2016)": {2: (37.53, 33.03, 31.90), 3: (33.66, 29.77, 28.82), 4: (31.35, 28.01, 27.29)},
    "DRRN (CVPR 2017)": {2: (37.74, 33.23, 32.05), 3: (34.03, 29.96, 28.95), 4: (31.68, 28.21, 27.38)},
}


def published_cells(values) -> list[str]:
    if isinstance(values, dict):
        return [f"{values[d]:.2f}" if d in values else "–" for d in DATASETS]
    return [f"{v:.2f}" for v in values]


def main(rows_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    from mlcore import zoo

    rows = json.loads(Path(rows_path).read_text())
    cards = zoo.cards()
    defaults = zoo.list_models()["default"]
    by_key = {(r["model"], r["scale"], r["dataset"]): r for r in rows}
    print("# Shipped models\n")
    print("Standard protocol (docs/evaluation.md): PSNR (dB) / SSIM on luma; seconds per output megapixel")
    print("measured by `evaluate` on this 2-core CPU (inference only, after a warm-up; see `make bench`")
    print("for a quiet-machine measurement). **bold** = `default` for that scale.\n")
    print(
        "```bash\n.venv/bin/python manage.py evaluate --models all --scales 2 3 4 --datasets Set5 Set14 BSD100 "
        "--json docs/models.json --record\n```\n"
    )
    print("Re-measuring some models: name them, and add `--merge` to keep the file's other rows.\n")
    for scale in (2, 3, 4):
        print(f"## ×{scale}\n")
        print("| model | params | Set5 | Set14 | BSD100 | s / MP (Set14) |")
        print("|---|---|---|---|---|---|")
        models = sorted({r["model"] for r in rows if r["scale"] == scale}, key=lambda m: (m != "bicubic", m))
        for model in models:
            cells = []
            for dataset in DATASETS:
                r = by_key.get((model, scale, dataset))
                cells.append(f"{r['psnr']:.2f} / {r['ssim']:.4f}" if r else "–")
            speed = by_key.get((model, scale, "Set14"))
            params = cards[(model, scale)]["params"] if (model, scale) in cards else 0
            name = f"**{model}**" if defaults.get(str(scale)) == model else model
            speed_cell = f"{speed['seconds_per_mp']:.3f}" if speed else "–"
            print(f"| {name} | {params:,} | " + " | ".join(cells) + f" | {speed_cell} |")
        for paper, values in PUBLISHED.items():
            if scale in values:
                print(f"| *{paper}* | | " + " | ".join(published_cells(values[scale])) + " | |")
        print()
    print("## How each weight file was made\n")
    print("Each card in `mlcore/weights/*.json` records the command, commit, data, wall time, device and")
    print("validation numbers (a 10 % split of T91 + BSD200, seed 0; the test sets are never used).\n")
    print("| weights | validation PSNR | wall time (last run) | steps | command |")
    print("|---|---|---|---|---|")
    for (name, scale), card in sorted(cards.items()):
        training = card.get("training", {})
        wall = training.get("wall_seconds")
        init = f", from {Path(training['init_from']).name}" if training.get("init_from") else ""
        steps = training.get("steps") or training.get("epochs", 0) * training.get("steps_per_epoch", 0)
        print(
            f"| `{name}_x{scale}` | {card.get('validation', {}).get('psnr', '–')} | "
            f"{round(wall / 60) if wall else '–'} min on {training.get('device', '?')}{init} | {steps:,} | "
            f"`{card.get('command', '–')}` |"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/models.json")
