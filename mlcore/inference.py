"""The one upscale call: device choice, a per-process weight cache keyed by weights hash, and exact
tiling; the learned part of each network runs in the engine ``mlcore.runtime`` picks.

An image is cut into LR tiles, each read with ``margin`` pixels of context (at least the network's
receptive field, bicubic enlargement included) and cropped back after the network, so tiled and
untiled outputs agree; working memory is bounded by the tile, whatever the image size.
"""

import math
import threading
from collections.abc import Callable, Iterator

import numpy as np
from PIL import Image

from mlcore import zoo
from mlcore.imaging import Pixels, to_image, to_pixels

# Output side of a tile when the caller gives none: big tiles waste less on overlap; networks that run
# at high resolution (SRCNN: 64 maps per output pixel) get smaller ones to bound memory.
DEFAULT_TILE_OUTPUT = 1024
DEFAULT_TILE_OUTPUT_HR_SPACE = 512

# Networks by (weights hash, device): installing new weights under a name changes its card's hash, so a
# running worker loads them on its next call instead of serving the old ones. ``_serving`` remembers
# which hash each (name, scale, device) last used, so replaced weights are dropped, not kept for ever.
_cache: dict[tuple[str, str], object] = {}
_serving: dict[tuple[str, int, str], str] = {}
_cache_lock = threading.Lock()


def resolve_device(device: str = "auto") -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("CUDA was requested but no CUDA device is available.")
    if device not in {"cpu", "cuda"}:
        raise ValueError(f"Unknown device {device!r}; use auto, cpu or cuda.")
    return device


def load_network(name: str, scale: int, device: str, weights_hash: str):
    """``(network, engine)`` for the zoo model ``name`` at ``scale`` whose card names ``weights_hash``, on
    ``device``, loaded once per process and weights ((None, None) for bicubic); see ``mlcore.runtime``."""
    if name == zoo.BICUBIC:
        return None, None
    key = (weights_hash, device)
    with _cache_lock:
        if key not in _cache:
            from mlcore.checkpoints import ensemble_passes, load
            from mlcore.runtime import make_engine

            net, card = load(zoo.card_path(name, scale), device=device)
            _cache[key] = (net, make_engine(net, device, weights_hash, zoo.WEIGHTS_DIR, ensemble_passes(card)))
        replaced = _serving.get((name, scale, device))
        if replaced is not None and replaced != weights_hash:
            _cache.pop((replaced, device), None)
        _serving[(name, scale, device)] = weights_hash
        return _cache[key]


def _tiles(height: int, width: int, tile: int) -> Iterator[tuple[int, int, int, int]]:
    for y in range(0, height, tile):
        for x in range(0, width, tile):
            yield y, min(y + tile, height), x, min(x + tile, width)


class TileRunner:
    """Turns an 8-bit LR tile (h, w[, 3]) into an 8-bit HR tile with one network (or bicubic).

    A network's tile is its engine's whole graph (``mlcore.runtime.Tile``): luma, the network, the
    bicubic enlargement of R, G and B and the rounding; gray runs as equal R, G and B. Bicubic alone
    (the ``bicubic`` model and alpha) is MATLAB's enlargement of each plane.
    """

    def __init__(self, net, scale: int, device: str, engine=None):
        from mlcore.runtime import keep_freed_memory

        keep_freed_memory()
        self.net, self.scale, self.device, self.engine = net, scale, device, engine
        self.margin = net.lr_margin() if net is not None else 2

    def _bicubic(self, x: np.ndarray) -> np.ndarray:
        """(h, w, C) float32 → (h*s, w*s, C) float32, MATLAB's bicubic, unclipped."""
        import torch

        from mlcore.archs import bicubic_upsample

        with torch.inference_mode():
            t = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))).to(self.device)  # (C, h, w)
            return bicubic_upsample(t, self.scale).permute(1, 2, 0).float().cpu().numpy()

    def __call__(self, tile: np.ndarray) -> np.ndarray:
        if self.net is not None:
            return self.engine(np.repeat(tile[..., None], 3, axis=2))[..., 0] if tile.ndim == 2 else self.engine(tile)
        x = tile.astype(np.float32) / 255.0
        out = self._bicubic(x[..., None])[..., 0] if x.ndim == 2 else self._bicubic(x)
        return np.clip(np.floor(out * 255.0 + 0.5), 0, 255).astype(np.uint8)


def upscale_array(arr: np.ndarray, runner: TileRunner, tile: int, progress: Callable[[], None]) -> np.ndarray:
    """Tile ``arr`` (H, W[, C]) uint8 through ``runner``; returns (H*s, W*s[, C]) uint8."""
    s, m = runner.scale, runner.margin
    h, w = arr.shape[:2]
    out = np.empty((h * s, w * s, *arr.shape[2:]), dtype=np.uint8)
    for y0, y1, x0, x1 in _tiles(h, w, tile):
        py0, py1, px0, px1 = max(y0 - m, 0), min(y1 + m, h), max(x0 - m, 0), min(x1 + m, w)
        hr = runner(arr[py0:py1, px0:px1])
        oy, ox = (y0 - py0) * s, (x0 - px0) * s
        out[y0 * s : y1 * s, x0 * s : x1 * s] = hr[oy : oy + (y1 - y0) * s, ox : ox + (x1 - x0) * s]
        progress()
    return out


def default_tile(net, scale: int) -> int:
    """Tile side in input pixels when the caller gives none."""
    side = DEFAULT_TILE_OUTPUT_HR_SPACE if getattr(net, "hr_space", False) else DEFAULT_TILE_OUTPUT
    return max(side // scale, 16)


def run_network(
    net, arr: np.ndarray, scale: int, device: str = "cpu", tile: int | None = None, passes: int = 1
) -> np.ndarray:
    """8-bit (H, W[, 3]) through a live network (None: bicubic) → 8-bit (H*s, W*s[, 3]); for validation.
    ``passes``: a model card's ``self_ensemble`` (``mlcore.runtime.self_ensemble``)."""
    from mlcore.runtime import torch_engine

    engine = torch_engine(net, device, passes=passes) if net is not None else None
    return upscale_array(arr, TileRunner(net, scale, device, engine), tile or default_tile(net, scale), lambda: None)


def upscale(
    image: Image.Image,
    *,
    scale: int,
    model: str = "default",
    device: str = "auto",
    tile: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    restore: str = "auto",
) -> Image.Image:
    """See :func:`mlcore.upscale`."""
    from mlcore.restoration import choose_model

    scale = zoo.check_scale(scale)
    choice = choose_model(image, scale=scale, model=model, restore=restore)
    pixels = to_pixels(image)
    device = resolve_device(device)
    net, engine = load_network(choice.name, scale, device, choice.weights_hash)
    runner = TileRunner(net, scale, device, engine)
    bicubic = TileRunner(None, scale, device)
    h, w = pixels.colour.shape[:2]
    tile = tile or default_tile(runner.net, scale)
    per_plane = math.ceil(h / tile) * math.ceil(w / tile)
    total = per_plane * (2 if pixels.alpha is not None else 1)
    done = 0

    def progress() -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    colour = upscale_array(pixels.colour, runner, tile, progress)
    alpha = None if pixels.alpha is None else upscale_array(pixels.alpha, bicubic, tile, progress)
    return to_image(Pixels(colour=colour, alpha=alpha, icc_profile=pixels.icc_profile))
