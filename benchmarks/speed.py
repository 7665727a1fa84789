"""Speed side by side, in one run: every shipped model, bicubic and OpenCV's FSRCNN/ESPCN on the same images.

    .venv/bin/python benchmarks/speed.py [--repeats 5] [--threads 2] [--out docs/speed.md]
                                         [--models edsr_lite edsr_lite_jpeg ...] [--scales 2 ...]

Seconds per output megapixel for whole ``mlcore.upscale`` calls (colour conversion, chroma, tiling
included) and for the network alone under each runtime of ``benchmarks/runtimes.py``; ratios to
OpenCV FSRCNN and to bicubic from the same run; GFLOP/s against a measured fp32 matmul rate; peak
resident memory added by one call. Best of ``--repeats`` after a warm-up; a whole call and its network
are timed in turn (``best_of_each``), so their ratio does not hang on when a slow spell of the shared machine
came. Compare ratios within one run. Pause other CPU work while measuring. ``--runtimes ... torch.compile``
adds that candidate (off by default: about 20 s of compilation per model on this machine).
"""

import argparse
import datetime
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import (  # noqa: E402
    best_of,
    best_of_each,
    core_gflop_per_mp,
    machine,
    matmul_gflops,
    peak_rss_mb,
    tiled,
)

DATASETS = ROOT.parent / "shared" / "datasets"
PEERS = ROOT.parent / "shared" / "peers" / "opencv_dnn_superres"
HR_W, HR_H = 1020, 768  # divisible by 2, 3 and 4: every scale gives the same output size
OPENCV = {"opencv_fsrcnn": ("fsrcnn", "FSRCNN"), "opencv_espcn": ("espcn", "ESPCN")}


def photo() -> Image.Image:
    source = sorted((DATASETS / "BSD100").glob("*.png"))
    if not source:
        raise SystemExit(f"No images in {DATASETS / 'BSD100'}.")
    hr = np.asarray(Image.open(source[0]).convert("RGB"))
    return Image.fromarray(tiled(hr, HR_H, HR_W))


def opencv_calls(algo: str, pb: str, scale: int, lr: Image.Image):
    """(whole call, network alone) for one OpenCV dnn_superres model on ``lr``."""
    import cv2

    path = str(PEERS / f"{pb}_x{scale}.pb")
    sr = cv2.dnn_superres.DnnSuperResImpl_create()
    sr.readModel(path)
    sr.setModel(algo, scale)
    net = cv2.dnn.readNetFromTensorflow(path)
    bgr = np.ascontiguousarray(np.asarray(lr)[..., ::-1])
    luma = cv2.cvtColor(bgr, cv2.COLOR_BGR2YCrCb)[..., 0].astype(np.float32) / 255.0

    def network() -> None:
        net.setInput(luma[None, None])
        net.forward()

    return lambda: sr.upsample(bgr), network


def network_input(net, lr: Image.Image) -> np.ndarray:
    """What ``net.core`` reads for ``lr``: (1, C, h, w) float32, enlarged first when ``hr_space``."""
    import torch

    from mlcore.archs import bicubic_upsample
    from mlcore.imaging import rgb_to_ycbcr

    x = np.asarray(lr, dtype=np.float32) / 255.0
    x = x if net.channels == "rgb" else rgb_to_ycbcr(x)[..., :1]
    t = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)[None]))
    return (bicubic_upsample(t, net.scale) if net.hr_space else t).numpy()


def measure_ours(name, scale, lr, args, rows, runtime_rows, tile_rows) -> None:
    import mlcore
    from benchmarks.runtimes import RUNTIMES, TILE_RUNTIMES
    from mlcore import zoo
    from mlcore.checkpoints import ensemble_passes, load
    from mlcore.runtime import TORCH_ON_CPU, bf16_body_on_cpu

    def whole():
        return mlcore.upscale(lr, scale=scale, model=name, device="cpu")

    mp = whole().size[0] * whole().size[1] / 1e6
    row = {"model": name, "scale": scale, "peak": peak_rss_mb(whole)}
    if name == zoo.BICUBIC:
        rows.append({**row, "whole": best_of(whole, args.repeats) / mp})
        return
    net, card = load(zoo.card_path(name, scale))
    passes = ensemble_passes(card)  # the network runs this many times per call, as served
    x = network_input(net, lr)
    reference, timings, runs = None, {}, {}
    for runtime in args.runtimes:
        run = runs[runtime] = RUNTIMES[runtime](net, args.threads, passes)
        out = run(x)
        reference = out if reference is None else reference
        timings[runtime] = (
            best_of(lambda run=run: run(x), args.repeats) / mp,
            float(np.abs(out - reference).max()) * 255,
        )
    shipped = "eager" if type(net).__name__ in TORCH_ON_CPU else "onnxruntime"
    shipped = "eager-bf16" if bf16_body_on_cpu(net, passes) else shipped
    network = runs.get(shipped, runs[args.runtimes[0]])
    row["whole"], row["network"] = (t / mp for t in best_of_each([whole, lambda: network(x)], args.repeats))
    row["gflops"] = passes * core_gflop_per_mp(net) / row["network"]
    rows.append(row)
    runtime_rows.append({"model": name, "scale": scale, **timings})
    tile = np.asarray(lr)  # the whole LR image as one tile, through each runtime's whole-tile graph
    reference, timings = None, {}
    for runtime, make in TILE_RUNTIMES.items():
        run = make(net, args.threads, passes)
        out = run(tile).astype(int)
        reference = out if reference is None else reference
        timings[runtime] = (best_of(lambda run=run: run(tile), args.repeats) / mp, float(np.abs(out - reference).max()))
    tile_rows.append({"model": name, "scale": scale, **timings})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runtimes", nargs="+", default=["eager", "eager-bf16", "onnxruntime", "openvino"])
    parser.add_argument("--out", default=str(ROOT / "docs" / "speed.md"))
    parser.add_argument("--models", nargs="+", help="only these zoo names (default: every shipped model, bicubic)")
    parser.add_argument("--scales", nargs="+", type=int, default=[2, 3, 4])
    args = parser.parse_args()
    import cv2
    import torch

    import mlcore
    from benchmarks.speed_report import write_report
    from mlcore import zoo

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    hr = photo()
    rows, runtime_rows, tile_rows = [], [], []
    for scale in args.scales:
        lr = mlcore.downscale(hr, scale)
        for label, (algo, pb) in OPENCV.items():
            whole, network = opencv_calls(algo, pb, scale, lr)
            mp = HR_W * HR_H / 1e6
            peak = peak_rss_mb(whole)
            times = [t / mp for t in best_of_each([whole, network], args.repeats)]
            rows.append({"model": label, "scale": scale, "whole": times[0], "network": times[1], "peak": peak})
        for name in [n for n in zoo.model_names(scale) if not args.models or n in args.models]:
            measure_ours(name, scale, lr, args, rows, runtime_rows, tile_rows)
            print(rows[-1], flush=True)
    context = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "threads": args.threads,
        "matmul": matmul_gflops(),
        "matmul_bf16": matmul_gflops(dtype=torch.bfloat16),
        "versions": f"torch {torch.__version__}, OpenCV {cv2.__version__}",
        "size": f"{HR_W}×{HR_H}",
        "runtimes": args.runtimes,
        "repeats": args.repeats,
    }
    out = Path(args.out)
    text = write_report(context, rows, runtime_rows, tile_rows, out.read_text() if out.exists() else "")
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
