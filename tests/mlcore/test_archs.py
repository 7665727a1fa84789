import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from mlcore.archs import ARCHS, bicubic_upsample, build
from mlcore.imaging import imresize
from mlcore.inference import run_network

from .conftest import photo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("arch", sorted(ARCHS))
@pytest.mark.parametrize("scale", [2, 3, 4])
@pytest.mark.parametrize(("height", "width"), [(9, 13), (16, 16), (1, 5)])
def test_every_architecture_enlarges_by_its_scale(arch, scale, height, width):
    net = build(arch, scale).eval()
    with torch.no_grad():
        out = net(torch.rand(2, net.in_channels, height, width))
    assert out.shape == (2, net.in_channels, height * scale, width * scale)


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_every_architecture_knows_its_channels_size_cost_and_receptive_field(arch):
    net = build(arch, 2)
    assert net.channels in {"y", "rgb"}
    assert net.num_parameters() > 1000
    assert net.flops_per_output_mp() > 1e9
    assert net.receptive_field >= 5 and net.receptive_field % 2 == 1


def test_unknown_architecture_is_refused():
    with pytest.raises(KeyError, match="Unknown architecture"):
        build("vdsr", 2)


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_torch_bicubic_enlargement_equals_matlab_imresize(scale, rng):
    img = rng.random((11, 14))
    out = bicubic_upsample(torch.from_numpy(img)[None, None], scale)[0, 0].numpy()
    assert np.allclose(out, imresize(img, scale), atol=1e-12)


def test_tiled_and_untiled_srcnn_agree_on_a_1000x700_image():
    torch.manual_seed(0)
    net = build("srcnn", 2).eval()
    img = np.asarray(photo(1000, 700))
    whole = run_network(net, img, 2, tile=1000)
    tiled = run_network(net, img, 2, tile=128)
    assert whole.shape == (1400, 2000, 3)
    assert np.abs(whole.astype(int) - tiled.astype(int)).max() <= 1


@pytest.mark.parametrize("arch", ["fsrcnn", "espcn", "edsr_lite"])
@pytest.mark.parametrize("scale", [2, 3, 4])
def test_tiled_and_untiled_agree_for_luma_networks(arch, scale):
    torch.manual_seed(0)
    net = build(arch, scale).eval()
    img = np.asarray(photo(97, 71))
    whole = run_network(net, img, scale, tile=500)
    tiled = run_network(net, img, scale, tile=17)
    assert np.abs(whole.astype(int) - tiled.astype(int)).max() <= 1


def test_grown_edsr_lite_computes_what_the_trained_one_did(tmp_path):
    """scripts/grow_edsr.py: the added residual blocks start as the identity, so fine-tuning starts from
    the trained network's output; the added blocks can still learn (their first convolutions are not zero)."""
    from safetensors.torch import load_file

    from mlcore import checkpoints

    torch.manual_seed(1)
    small = build("edsr_lite", 3, {"width": 8, "blocks": 2}).eval()
    card = {"name": "edsr_lite", "arch": "edsr_lite", "arch_args": {"width": 8, "blocks": 2}, "command": "train"}
    card["validation"] = {"psnr": 30.0}
    paths = [checkpoints.save(tmp_path, small, card)[0], tmp_path / "deep.safetensors"]
    subprocess.run(
        [sys.executable, "scripts/grow_edsr.py", *paths, "--blocks", "4"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    deep = build("edsr_lite", 3, {"width": 8, "blocks": 4}).eval()
    deep.load_state_dict(load_file(paths[1]))
    x = torch.rand(1, 1, 10, 12)
    with torch.no_grad():
        assert torch.equal(deep(x), small(x))
    assert deep.body[3].body[0].weight.abs().sum() > 0
    assert torch.equal(deep.body[4].weight, small.body[2].weight)  # the closing convolution moved to the end
    # its card: loadable, the source's validation (it computes the same), and the source as its one stage
    grown_net, grown = checkpoints.load(tmp_path / "deep.json")
    source = json.loads((tmp_path / "edsr_lite_x3.json").read_text())
    assert (
        grown_net.blocks == 4
        and grown["arch_args"] == {"width": 8, "blocks": 4}
        and grown["validation"] == {"psnr": 30.0}
    )
    assert grown["ancestry"] == [
        {"command": "train", "validation": {"psnr": 30.0}, "weights_hash": source["weights_hash"]}
    ]
    assert grown["command"].startswith("python scripts/grow_edsr.py ") and grown["command"].endswith(" --blocks 4")


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_bicubic_upsample_equals_matlab_weights_at_every_size(scale):
    from mlcore.imaging import resize_weights

    def matrix(n):
        weights, indices = resize_weights(n, n * scale, float(scale))
        dense = np.zeros((n * scale, n))
        np.add.at(dense, (np.arange(n * scale)[:, None], indices), weights)
        return torch.from_numpy(dense)

    for h, w in [(1, 1), (2, 3), (5, 7), (37, 29)]:
        x = torch.rand(2, 3, h, w, dtype=torch.float64)
        expected = matrix(h) @ x @ matrix(w).T
        assert torch.allclose(bicubic_upsample(x, scale), expected, rtol=0, atol=1e-12)
