"""The CUDA check's dry run on the CPU (the same code a lent GPU runs): every variant measured, strict float32 as
the reference, and a float16 body that really runs in float16."""

import numpy as np
import torch
from PIL import Image

from benchmarks.cuda_check import engine, main
from mlcore import zoo
from mlcore.checkpoints import load

from .mlcore.conftest import DATASETS


def test_a_float16_body_runs_the_residual_blocks_in_float16():
    net, _ = load(zoo.card_path("edsr_lite", 2))
    seen = []
    net.body[0].register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    tile = np.zeros((12, 10, 3), dtype=np.uint8)
    for variant in ("fp32", "bf16", "fp16"):
        engine(net, variant, "cpu", passes=1)(tile)
    assert seen == [torch.float32, torch.bfloat16, torch.float16]
    assert net.bf16_body is False  # the shipped net is untouched: each variant runs a copy


def test_the_dry_run_reports_every_variant_and_times_the_default(tmp_path):
    # small crops of two Set5 photos as the dataset, so the CPU runs every variant in seconds
    tiny = tmp_path / "Tiny"
    tiny.mkdir()
    for path in sorted((DATASETS / "Set5").glob("*.png"))[:2]:
        Image.open(path).convert("RGB").crop((40, 40, 88, 80)).save(tiny / path.name)
    out = tmp_path / "cuda.md"
    text = main(
        [
            "--device",
            "cpu",
            "--megapixels",
            "0.004",
            "--scales",
            "2",
            "--speed-scale",
            "2",
            "--models",
            "edsr_lite",
            "espcn",
            "--datasets",
            "Tiny",
            "--data-root",
            str(tmp_path),
            "--repeats",
            "1",
            "--out",
            str(out),
        ]
    )
    assert out.read_text() == text
    rows = [
        line.split(" | ")
        for line in text.splitlines()
        if line.startswith("| edsr_lite |") or line.startswith("| espcn |")
    ]
    assert [(r[0], r[3]) for r in rows] == [
        ("| edsr_lite", "fp32"),
        ("| edsr_lite", "tf32"),
        ("| edsr_lite", "bf16"),
        ("| edsr_lite", "fp16"),
        ("| espcn", "fp32"),
        ("| espcn", "tf32"),  # no body to run in low precision
    ]
    assert [r[4] for r in rows[:2]] == ["0", "0"]  # no TensorFloat-32 on the CPU: tf32 is float32 here
    assert int(rows[3][4]) <= 2  # a float16 body stays near float32
    assert float(rows[0][6]) > 0 and rows[4][6] == "–"  # only the default model at the speed scale is timed
    assert f"scale=2, model='default', device=...)` as served today (whole call, {zoo.default_model(2)}): " in text
