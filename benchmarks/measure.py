"""Timing, memory and machine helpers shared by the benchmarks."""

import os
import platform
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` calls, after one warm-up call."""
    return best_of_each([fn], repeats)[0]


def best_of_each(fns: list[Callable[[], object]], repeats: int) -> list[float]:
    """The fastest of ``repeats`` calls of each of ``fns``, called in turn (a, b, a, b, ...) after one warm-up
    each, so a slow spell of the shared machine falls on all of them rather than on one: what a ratio of two
    timings (the network's share of a whole call) needs."""
    for fn in fns:
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_mb(fn: Callable[[], object], every: float = 0.002) -> float:
    """Resident memory one call of ``fn`` adds at its peak (MB), sampled every ``every`` seconds.

    ru_maxrss only grows over a process's life, so it cannot tell one call of many from another.
    """
    fn()  # weights and caches loaded first: what a call costs in a warm worker
    before, peak, done = _rss_bytes(), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(every)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        fn()
    finally:
        done.set()
        sampler.join()
    return max(peak[0], _rss_bytes()) / 2**20 - before / 2**20


def tiled(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` (H, W[, C]) repeated side by side and cropped to ``height`` × ``width``: a benchmark input of any
    size with a photo's content."""
    reps = (height // image.shape[0] + 1, width // image.shape[1] + 1) + (1,) * (image.ndim - 2)
    return np.ascontiguousarray(np.tile(image, reps)[:height, :width])


def matmul_gflops(n: int = 2048, repeats: int = 5, dtype=None) -> float:
    """This machine's matmul rate (fp32 unless ``dtype``) with torch's threads: the ceiling a convolution can
    approach."""
    import torch

    a, b = torch.rand(n, n, dtype=dtype), torch.rand(n, n, dtype=dtype)
    return 2 * n**3 / best_of(lambda: a @ b, repeats) / 1e9


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")), platform.processor())
    return f"{model}, {os.cpu_count()} cores visible, {platform.system()} {platform.release()}"


def core_gflop_per_mp(net, lr_side: int = 64) -> float:
    """GFLOP per output megapixel of ``net.core`` alone (the model card's count includes the enlargement)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    side = lr_side * net.scale if net.hr_space else lr_side
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        net.core(torch.zeros(1, net.in_channels, side, side))
    return counter.get_total_flops() / (lr_side * net.scale) ** 2 * 1e6 / 1e9
