"""Markdown tables per degradation from `manage.py evaluate --degradation ... --json` rows: PSNR and the
gain over bicubic (on the same degraded LR) for every model, dataset and scale.

    .venv/bin/python manage.py evaluate --models all --scales 2 3 4 --datasets Set5 Set14 BSD100 \\
        --degradation clean jpeg:90 jpeg:75 jpeg:50 noise:10 --json docs/degraded.json
    .venv/bin/python benchmarks/degraded_table.py docs/degraded.json
"""

import json
import sys
from pathlib import Path

DATASETS = ("Set5", "Set14", "BSD100")


def tables(rows: list[dict]) -> str:
    out = []
    by_key = {(r["degradation"], r["model"], r["scale"], r["dataset"]): r["psnr"] for r in rows}
    for degradation in dict.fromkeys(r["degradation"] for r in rows):
        scales = sorted({r["scale"] for r in rows if r["degradation"] == degradation})
        out.append(f"### {degradation}\n")
        out.append("| model | " + " | ".join(f"{d} ×{s}" for s in scales for d in DATASETS) + " |")
        out.append("|---|" + "---|" * (len(scales) * len(DATASETS)))
        models = sorted(
            {r["model"] for r in rows if r["degradation"] == degradation},
            key=lambda m: (m != "bicubic", m != "default", m),
        )
        for model in models:
            cells = []
            for scale in scales:
                for dataset in DATASETS:
                    value = by_key.get((degradation, model, scale, dataset))
                    base = by_key.get((degradation, "bicubic", scale, dataset))
                    if value is None:
                        cells.append("–")
                    elif model == "bicubic" or base is None:
                        cells.append(f"{value:.2f}")
                    else:
                        cells.append(f"{value:.2f} ({value - base:+.2f})")
            name = "**default (auto)**" if model == "default" else model
            out.append(f"| {name} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(tables(json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/degraded.json").read_text())))
