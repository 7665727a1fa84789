"""Deepens trained edsr_lite weights without changing what they compute, as a start for fine-tuning.

    .venv/bin/python scripts/grow_edsr.py IN.safetensors OUT.safetensors --blocks N

IN is a zoo weights file with its model card beside it (``mlcore/weights/edsr_lite_x3.safetensors``). The new
residual blocks go after the trained ones, before the body's closing convolution; each starts as the identity
(its second convolution is zero, as in SkipInit / "zero-γ" initialisation), so the grown network's output
equals the original's and training only has to learn what the new blocks add. OUT gets a model card beside it
(the source's validation, this command, and the source's stages as its ``ancestry``). Then:
``manage.py train edsr_lite --arch-arg width=W blocks=N --init-from OUT.safetensors ...``.
"""

import argparse
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def grow(net, blocks: int, seed: int = 0):
    """An edsr_lite with ``blocks`` residual blocks that computes what the edsr_lite ``net`` computes."""
    import torch

    from mlcore.archs import build

    old = net.blocks
    if blocks < old:
        raise SystemExit(f"The weights have {old} blocks; a grown network cannot have fewer ({blocks}).")
    torch.manual_seed(seed)  # the new blocks' first convolutions: PyTorch's default initialisation
    deep = build("edsr_lite", net.scale, {"width": net.head.out_channels, "blocks": blocks})
    state = deep.state_dict()
    for key, value in net.state_dict().items():
        closing = key.startswith(f"body.{old}.")  # the body's last convolution moves to the end
        state[key.replace(f"body.{old}.", f"body.{blocks}.", 1) if closing else key] = value
    for i in range(old, blocks):
        state[f"body.{i}.body.2.weight"].zero_()
        state[f"body.{i}.body.2.bias"].zero_()
    deep.load_state_dict(state)
    return deep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--blocks", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from mlcore import checkpoints

    net, card = checkpoints.load(args.source.with_suffix(".json"))
    if card["arch"] != "edsr_lite":
        raise SystemExit(f"{args.source} holds {card['arch']}, not edsr_lite.")
    deep = grow(net, args.blocks)
    # It computes what the source did, so the source's validation stands; its card says where it came from.
    grown = {key: card[key] for key in ("name", "hint", "validation", *checkpoints.SERVING_FIELDS) if key in card}
    command = ["python", "scripts/grow_edsr.py", str(args.source), str(args.target), "--blocks", str(args.blocks)]
    grown |= {"command": shlex.join(command), "ancestry": checkpoints.ancestry(args.source), "arch": "edsr_lite"}
    grown["arch_args"] = {**card.get("arch_args", {}), "blocks": args.blocks}
    checkpoints.save_as(args.target.with_suffix(""), deep, grown)
    print(f"{args.source} → {args.target}: {deep.blocks} blocks, width {deep.head.out_channels}, ×{deep.scale}")


if __name__ == "__main__":
    main()
