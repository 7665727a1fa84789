"""Weights as safetensors plus a JSON model card; a network is rebuilt from ``{arch, arch_args, scale}``
and its tensors, never unpickled (STYLE habit 5).
"""

import hashlib
import json
from pathlib import Path

from mlcore.errors import ModelError

# Card fields that say how the zoo serves a model, not what training made: installing new weights over a card
# keeps them (``manage.py train --install``).
SERVING_FIELDS = ("self_ensemble",)
# What a card's ``ancestry`` keeps of each stage that made the weights its training started from (``--init-from``).
STAGE_FIELDS = ("command", "commit", "weights_hash", "validation", "lineage")

# The views a card's ``self_ensemble`` runs, first n in this order (``mlcore.runtime.self_ensemble``): the input
# flipped left-right, upside down and transposed, each output turned back, the outputs averaged.
ENSEMBLE = (
    (False, False, False),  # (flip left-right, flip upside down, transpose)
    (True, False, False),
    (False, True, False),
    (True, True, False),
    (False, False, True),
    (True, False, True),
    (False, True, True),
    (True, True, True),
)


def weights_hash(path: Path) -> str:
    """A short content hash of a weights file (what an enhancement records)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def read_card(card_path: Path) -> dict:
    try:
        card = json.loads(Path(card_path).read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"Model card {card_path} is missing or corrupt: {exc}") from exc
    missing = {"name", "arch", "scale"} - card.keys()
    if missing:
        raise ModelError(f"Model card {card_path} lacks {', '.join(sorted(missing))}.")
    ensemble_passes(card, card_path)
    return card


def ensemble_passes(card: dict, card_path: Path | str = "") -> int:
    """How many views the card's model runs and averages (``self_ensemble``, ``mlcore.runtime.self_ensemble``;
    1 when the card does not say); ModelError when it says something the runtime has no transforms for."""
    passes = card.get("self_ensemble", 1)
    if type(passes) is not int or not 1 <= passes <= len(ENSEMBLE):
        raise ModelError(
            f"Model card {card_path or card.get('name')}: self_ensemble must be 1–{len(ENSEMBLE)}, not {passes!r}."
        )
    return passes


def ancestry(weights_path: Path) -> list[dict]:
    """The stages that made the weights at ``weights_path``, oldest first, for the card of a run that starts from
    them: the ``ancestry`` of the card beside them, then that card's STAGE_FIELDS. A file without its card (or
    with a card for other weights: the hashes differ) ends the line with its path and hash. Read before training
    starts, since installing can overwrite those very weights. ModelError when they are missing or corrupt."""
    from safetensors import SafetensorError, safe_open

    weights_path = Path(weights_path)
    try:
        with safe_open(str(weights_path), framework="pt") as f:
            f.keys()
        digest = weights_hash(weights_path)
    except (OSError, SafetensorError) as exc:
        raise ModelError(f"Weights {weights_path} are missing or corrupt: {exc}") from exc
    try:
        card = read_card(weights_path.with_suffix(".json"))
    except ModelError:
        card = {}
    if card.get("weights_hash") != digest:
        return [{"weights": str(weights_path), "weights_hash": digest}]
    return [*card.get("ancestry", []), {key: card[key] for key in STAGE_FIELDS if key in card}]


def save(directory: Path, model, card: dict) -> tuple[Path, Path]:
    """Write ``<name>_x<scale>.safetensors`` and ``.json``; the card gains arch, size and hash fields."""
    return save_as(Path(directory) / f"{card['name']}_x{model.scale}", model, card)


def save_as(stem: Path, model, card: dict) -> tuple[Path, Path]:
    """:func:`save` to ``<stem>.safetensors`` and ``<stem>.json``, wherever the caller names."""
    from safetensors.torch import save_file

    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    weights_path, card_path = stem.with_suffix(".safetensors"), stem.with_suffix(".json")
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(weights_path))
    card = {
        **card,
        "scale": model.scale,
        "channels": model.channels,
        "params": model.num_parameters(),
        "flops_per_mp": round(model.flops_per_output_mp()),
        "receptive_field": model.receptive_field,
        "weights": weights_path.name,
        "weights_hash": weights_hash(weights_path),
    }
    card_path.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return weights_path, card_path


def load(card_path: Path, device: str = "cpu"):
    """Rebuild the network a card describes and load its weights; ModelError if anything is off."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from mlcore.archs import build

    card = read_card(card_path)
    weights_path = Path(card_path).with_name(card.get("weights", Path(card_path).with_suffix(".safetensors").name))
    try:
        model = build(card["arch"], card["scale"], card.get("arch_args"))
        model.load_state_dict(load_file(str(weights_path), device="cpu"), strict=True)
    except (OSError, KeyError, RuntimeError, TypeError, SafetensorError) as exc:
        raise ModelError(f"Weights {weights_path.name} are missing or corrupt: {exc}") from exc
    return model.to(device).eval(), card
