"""The model zoo: shipped weights in ``mlcore/weights`` (a card ``<name>_x<scale>.json`` beside its
safetensors), the ``bicubic`` entry, and ``default`` per scale from ``weights/zoo.json``.

Reads only small JSON files, each once until it changes (cached by path, mtime, size and inode, so a
card written by ``train --install`` is seen at the next call): no torch here.
"""

import copy
import json
import os
from pathlib import Path

from mlcore.checkpoints import read_card, weights_hash
from mlcore.errors import SCALES, ModelError, ScaleError, UnknownModelError

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
ZOO_FILE = "zoo.json"
BICUBIC = "bicubic"
DEFAULT = "default"
BICUBIC_HINT = "Classic interpolation: instant, but the softest result."


_cache: dict[Path, tuple[tuple[int, int, int], dict]] = {}


def _cached(path: Path, read) -> dict:
    """``read(path)``, or what it returned last time if the file has not changed since: the cached object
    itself, which the callers in this module only read (the public functions hand out copies)."""
    stat = os.stat(path)
    key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    hit = _cache.get(path)
    if hit is None or hit[0] != key:
        hit = _cache[path] = (key, read(path))
    return hit[1]


def _zoo_file() -> dict:
    path = WEIGHTS_DIR / ZOO_FILE
    return _cached(path, lambda p: json.loads(p.read_text())) if path.exists() else {}


def cards() -> dict[tuple[str, int], dict]:
    """Every model card in the zoo, keyed by (name, scale): a copy the caller may change."""
    return copy.deepcopy(_cards())


def _cards() -> dict[tuple[str, int], dict]:
    # The cached cards themselves, for the lookups here that only read them (an upscale resolves its model
    # several times: deep copies of every card cost 5 % of a small image's call).
    found = {}
    for path in sorted(WEIGHTS_DIR.glob("*_x[0-9].json")):
        card = _cached(path, read_card)
        found[(card["name"], int(card["scale"]))] = {**card, "card_path": str(path)}
    return found


def check_scale(scale) -> int:
    if scale not in SCALES or isinstance(scale, bool):
        raise ScaleError(scale)
    return int(scale)


def model_names(scale: int | None = None) -> list[str]:
    """Zoo names (``bicubic`` included) available at ``scale`` (any scale when None)."""
    names = {name for (name, s) in _cards() if scale is None or s == scale}
    return [BICUBIC, *sorted(names)]


def default_model(scale: int) -> str:
    """What ``default`` means at ``scale``: the declared default when its weights exist, else bicubic."""
    declared = _zoo_file().get("defaults", {}).get(str(scale))
    return declared if declared and (declared, scale) in _cards() else BICUBIC


def restoring_model(scale: int) -> str | None:
    """The restoring (JPEG/noise) model declared for ``scale`` in zoo.json when its weights exist."""
    return _declared("restoring", scale)


def denoising_model(scale: int) -> str | None:
    """The model for noisy input that is not a JPEG, declared for ``scale`` in zoo.json when its weights
    exist (None: the restoring model serves noisy input too)."""
    return _declared("denoising", scale)


def jpeg_model(scale: int) -> str | None:
    """The model for heavily compressed JPEGs (quality ≤ ``HEAVY_JPEG_QUALITY``), declared for ``scale`` in
    zoo.json when its weights exist (None: the restoring model serves every JPEG)."""
    return _declared("jpeg", scale)


def low_jpeg_model(scale: int) -> str | None:
    """The model for the lowest-quality JPEGs (quality ≤ ``LOW_JPEG_QUALITY``), declared for ``scale`` in zoo.json
    ("jpeg_low") when its weights exist beside the JPEG model (None: the JPEG model serves them too)."""
    return _declared("jpeg_low", scale) if jpeg_model(scale) else None


def _declared(role: str, scale: int) -> str | None:
    declared = _zoo_file().get(role, {}).get(str(scale))
    return declared if declared and (declared, scale) in _cards() else None


def resolve_model(name: str, scale: int) -> tuple[str, str]:
    """``(name, weights_hash)`` for a zoo name or ``default``; ModelError for anything else."""
    scale = check_scale(scale)
    if name == DEFAULT:
        name = default_model(scale)
    if name == BICUBIC:
        return BICUBIC, ""
    card = _cards().get((name, scale))
    if card is None:
        raise UnknownModelError(name, scale, [DEFAULT, *model_names(scale)])
    return name, card["weights_hash"]


def card_path(name: str, scale: int) -> Path:
    return WEIGHTS_DIR / f"{name}_x{scale}.json"


def _hint(entries: list[dict]) -> str:
    hints = [e["hint"] for e in entries if e.get("hint")]
    return hints[0] if hints else f"{entries[0]['arch']} network, {entries[0]['params']:,} parameters."


def list_models() -> dict:
    """The zoo as plain data (JSON-ready): models with their numbers, and the default per scale."""
    measured = _zoo_file().get("measured", {})
    by_name: dict[str, list[dict]] = {}
    for (name, _scale), card in sorted(_cards().items()):
        by_name.setdefault(name, []).append(card)
    models = [
        {
            "name": BICUBIC,
            "arch": BICUBIC,
            "scales": list(SCALES),
            "channels": "rgb",
            "params": 0,
            "flops_per_mp": {},
            "hint": BICUBIC_HINT,
            "measured": measured.get(BICUBIC, {}),
        }
    ]
    for name, entries in by_name.items():
        models.append(
            {
                "name": name,
                "arch": entries[0]["arch"],
                "scales": [c["scale"] for c in entries],
                "channels": entries[0]["channels"],
                "params": {str(c["scale"]): c["params"] for c in entries},
                "flops_per_mp": {str(c["scale"]): c["flops_per_mp"] for c in entries},
                "weights_hash": {str(c["scale"]): c["weights_hash"] for c in entries},
                "hint": _hint(entries),
                "measured": measured.get(name, {}),
            }
        )
    zoo = {
        "models": models,
        "default": {str(s): default_model(s) for s in SCALES},
        "restoring": {str(s): restoring_model(s) for s in SCALES},
        "denoising": {str(s): denoising_model(s) for s in SCALES},
        "jpeg": {str(s): jpeg_model(s) for s in SCALES},
        "jpeg_low": {str(s): low_jpeg_model(s) for s in SCALES},
    }
    return copy.deepcopy(zoo)  # the caller's to change: the measured numbers are the cache's own dicts


def record_measurements(rows: list[dict]) -> None:
    """Store evaluate's rows (model, scale, dataset, psnr, ssim, seconds_per_mp) in zoo.json."""
    zoo = copy.deepcopy(_zoo_file())  # changed below, then written: the cache keeps what was read
    measured = zoo.setdefault("measured", {})
    for row in rows:
        entry = {k: row[k] for k in ("psnr", "ssim", "seconds_per_mp")}
        measured.setdefault(row["model"], {}).setdefault(str(row["scale"]), {})[row["dataset"]] = entry
    (WEIGHTS_DIR / ZOO_FILE).write_text(json.dumps(zoo, indent=2, sort_keys=True) + "\n")


def weights_problems() -> list[str]:
    """Every shipped model whose weights are missing, altered or unreadable (for ``manage.py check``).

    Checks the hash and parses the tensors with numpy, so a check costs no torch import.
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    problems = []
    for path in sorted(WEIGHTS_DIR.glob("*_x[0-9].json")):
        try:
            card = read_card(path)
            weights = path.with_name(card.get("weights", path.with_suffix(".safetensors").name))
            if not weights.exists():
                raise ModelError(f"Weights {weights.name} are missing.")
            if weights_hash(weights) != card.get("weights_hash"):
                raise ModelError(f"Weights {weights.name} do not match the hash on their card.")
            load_file(str(weights))
        except (ModelError, SafetensorError, OSError) as exc:
            problems.append(f"{path.name}: {exc}")
    return problems
