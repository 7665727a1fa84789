"""docs/speed.md from one run of benchmarks/speed.py: the measured tables, then the hand-written reading of
them (everything after ``NOTES_MARK`` in the existing file is kept, so a re-run refreshes only numbers).
"""

NOTES_MARK = "<!-- reading: kept when benchmarks/speed.py rewrites the tables above -->"


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}" if base else "–"


def _main_table(rows: list[dict], matmul: float) -> list[str]:
    lines = [
        "| model | scale | whole call s/MP | network s/MP | outside the network | ÷ OpenCV FSRCNN | ÷ bicubic "
        "| network GFLOP/s (of matmul) | peak MB added |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scale in (2, 3, 4):
        at = {r["model"]: r for r in rows if r["scale"] == scale}
        peer, bicubic = at.get("opencv_fsrcnn", {}).get("whole"), at.get("bicubic", {}).get("whole")
        for r in at.values():
            network = r.get("network")
            share = f"{1 - network / r['whole']:.0%}" if network and "gflops" in r else "–"
            gflops = f"{r['gflops']:.1f} ({r['gflops'] / matmul:.0%})" if "gflops" in r else "–"
            lines.append(
                f"| {r['model']} | ×{scale} | {r['whole']:.3f} | {f'{network:.3f}' if network else '–'} | {share} "
                f"| {_ratio(r['whole'], peer)} | {_ratio(r['whole'], bicubic)} | {gflops} | {r['peak']:.0f} |"
            )
    return lines


def _runtime_table(runtime_rows: list[dict], runtimes: list[str], delta: str = ".0e") -> list[str]:
    lines = [
        "| model | scale | " + " | ".join(runtimes) + " |",
        "|---|---|" + "---|" * len(runtimes),
    ]
    for r in runtime_rows:
        base = r[runtimes[0]][0]
        cells = [f"{r[k][0]:.3f} (×{base / r[k][0]:.2f}, Δ {r[k][1]:{delta}})" for k in runtimes]
        lines.append(f"| {r['model']} | ×{r['scale']} | " + " | ".join(cells) + " |")
    return lines


def write_report(
    context: dict, rows: list[dict], runtime_rows: list[dict], tile_rows: list[dict], previous: str = ""
) -> str:
    """The whole docs/speed.md text; ``previous`` is the file's current text (its notes are kept)."""
    notes = previous.split(NOTES_MARK, 1)[1] if NOTES_MARK in previous else "\n"
    head = [
        "# Speed\n",
        f"Measured {context['date']} on {context['machine']}; {context['threads']} threads; {context['versions']}.",
        f"One run of `make bench` (`benchmarks/speed.py`): a {context['size']} result from a BSD100 photo shrunk",
        "with the project's bicubic, the same LR image for every model at each scale; best of",
        f"{context['repeats']} after a warm-up; seconds per output megapixel. fp32 matmul on this machine:",
        f"{context['matmul']:.0f} GFLOP/s (2048², same threads; bfloat16: {context.get('matmul_bf16', 0):.0f}). The",
        "machine is shared: compare ratios, not absolute numbers across runs. GFLOP/s of a model that runs its",
        "body in bfloat16 (`eager-bf16`, `mlcore.runtime.BF16_BODY_ON_CPU`) is measured against the fp32 rate.\n",
        "*Whole call* is `mlcore.upscale` (colour conversion, chroma by bicubic, tiling, 8-bit output) or",
        "OpenCV's `DnnSuperResImpl.upsample`; *network* is the learned part alone on the same input, in",
        "the runtime `mlcore.upscale` uses for it (`mlcore/runtime.py`), timed in turn with the whole call (whole,",
        "network, whole, ...) so a slow spell of the machine falls on both; *outside the network* is the rest of",
        "the call's time; *peak MB added* is resident memory one warm call adds (sampled every 2 ms).\n",
        _main_table(rows, context["matmul"]),
        "\n## Network alone, by runtime\n",
        "s/MP (speed-up over the first column, Δ = largest output difference in 1/255 steps).\n",
        _runtime_table(runtime_rows, context["runtimes"]),
        "\n## Whole tile, by runtime\n",
        "What `mlcore.upscale` runs per tile (`mlcore.runtime.Tile`: 8-bit in, luma, network, bicubic, 8-bit out),",
        "the whole LR image as one tile: s/MP (speed-up over eager, Δ = largest difference in 8-bit levels).\n",
        _runtime_table(tile_rows, list(tile_rows[0])[2:] if tile_rows else [], delta=".0f"),
    ]
    lines = [x for item in head for x in (item if isinstance(item, list) else [item])]
    return "\n".join(lines) + "\n\n" + NOTES_MARK + notes
