"""Deepens trained edsr_lite weights without changing what they compute, as a start for fine-tuning.

    .venv/bin/python scripts/grow_edsr.py IN.safetensors OUT.safetensors --blocks N

The new residual blocks go after the trained ones, before the body's closing convolution; each starts
as the identity (its second convolution is zero, as in SkipInit / "zero-γ" initialisation), so the grown
network's output equals the original's and training only has to learn what the new blocks add. Then:
``manage.py train edsr_lite --arch-arg width=W blocks=N --init-from OUT.safetensors ...``.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK_KEY = re.compile(r"body\.(\d+)\.body\.")


def body_shape(state: dict) -> tuple[int, int]:
    """(width, blocks) of an edsr_lite state dict."""
    blocks = 1 + max(int(m.group(1)) for k in state if (m := BLOCK_KEY.match(k)))
    return state["head.weight"].shape[0], blocks


def grow(state: dict, scale: int, blocks: int, seed: int = 0) -> dict:
    """The state of an edsr_lite with ``blocks`` residual blocks that computes what ``state`` computes."""
    import torch

    from mlcore.archs import build

    width, old = body_shape(state)
    if blocks < old:
        raise SystemExit(f"The weights have {old} blocks; a grown network cannot have fewer ({blocks}).")
    torch.manual_seed(seed)  # the new blocks' first convolutions: PyTorch's default initialisation
    grown = build("edsr_lite", scale, {"width": width, "blocks": blocks}).state_dict()
    for key, value in state.items():
        closing = key.startswith(f"body.{old}.")  # the body's last convolution moves to the end
        grown[key.replace(f"body.{old}.", f"body.{blocks}.", 1) if closing else key] = value
    for i in range(old, blocks):
        grown[f"body.{i}.body.2.weight"].zero_()
        grown[f"body.{i}.body.2.bias"].zero_()
    return grown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--blocks", type=int, required=True)
    parser.add_argument("--scale", type=int, help="default: read from the model card beside the source")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import json

    from safetensors.torch import load_file, save_file

    scale = args.scale or json.loads(args.source.with_suffix(".json").read_text())["scale"]
    grown = grow(load_file(args.source), scale, args.blocks)
    save_file({k: v.contiguous() for k, v in grown.items()}, args.target)
    print(f"{args.source} → {args.target}: {body_shape(grown)[1]} blocks, width {body_shape(grown)[0]}, ×{scale}")


if __name__ == "__main__":
    main()
