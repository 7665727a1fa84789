import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import mlcore
from mlcore import zoo
from mlcore.archs import build
from mlcore.checkpoints import ensemble_passes, load, save
from mlcore.errors import ModelError
from mlcore.inference import run_network

from .conftest import photo


def install(directory, name="tiny", arch="espcn", scale=2):
    torch.manual_seed(0)
    return save(directory, build(arch, scale), {"name": name, "arch": arch, "arch_args": {}})


def test_default_is_bicubic_while_no_trained_weights_exist(empty_zoo):
    assert mlcore.resolve_model("default", 2) == ("bicubic", "")
    assert mlcore.list_models()["default"] == {"2": "bicubic", "3": "bicubic", "4": "bicubic"}


def test_default_follows_zoo_json_once_the_weights_exist(empty_zoo):
    (empty_zoo / "zoo.json").write_text(json.dumps({"defaults": {"2": "tiny"}}))
    assert mlcore.resolve_model("default", 2)[0] == "bicubic"
    install(empty_zoo)
    name, weights_hash = mlcore.resolve_model("default", 2)
    assert name == "tiny" and len(weights_hash) == 12
    assert mlcore.resolve_model("default", 3)[0] == "bicubic"


def test_unknown_model_and_bad_scale_raise_typed_errors_with_their_data(empty_zoo):
    install(empty_zoo)
    with pytest.raises(mlcore.UnknownModelError) as exc:
        mlcore.resolve_model("vdsr", 2)
    assert (exc.value.name, exc.value.scale, exc.value.choices) == ("vdsr", 2, ["default", "bicubic", "tiny"])
    for scale in (1, 5, True, "2"):
        with pytest.raises(mlcore.ScaleError) as exc:
            mlcore.resolve_model("bicubic", scale)
        assert exc.value.scale is scale and exc.value.scales == (2, 3, 4)


def test_saved_weights_rebuild_the_same_network(empty_zoo):
    _, card_path = install(empty_zoo)
    net, card = load(card_path)
    assert card["arch"] == "espcn" and card["params"] == net.num_parameters()
    x = torch.rand(1, 1, 9, 9)
    torch.manual_seed(0)
    assert torch.equal(net(x), build("espcn", 2).eval()(x))


def test_installed_weights_serve_through_upscale_and_list_models(empty_zoo):
    install(empty_zoo)
    out = mlcore.upscale(photo(20, 10), scale=2, model="tiny", device="cpu")
    assert out.size == (40, 20)
    listed = {m["name"]: m for m in mlcore.list_models()["models"]}
    assert listed["tiny"]["scales"] == [2] and listed["tiny"]["channels"] == "y"
    assert listed["bicubic"]["scales"] == [2, 3, 4]


def test_a_card_asking_for_views_the_runtime_cannot_run_is_refused_when_read(empty_zoo):
    _, card_path = install(empty_zoo)
    assert ensemble_passes(load(card_path)[1]) == 1  # a card that does not say runs one view
    for bad in (0, 9, 2.0, "2", True):
        card = json.loads(card_path.read_text())
        card_path.write_text(json.dumps({**card, "self_ensemble": bad}))
        with pytest.raises(ModelError, match="self_ensemble must be 1–8"):
            load(card_path)
    card_path.write_text(json.dumps({**card, "self_ensemble": 2}))
    assert ensemble_passes(load(card_path)[1]) == 2


def test_missing_or_corrupt_weights_are_reported(empty_zoo):
    install(empty_zoo, name="good")
    assert zoo.weights_problems() == []
    bad_weights, _ = install(empty_zoo, name="bad")
    bad_weights.write_bytes(b"not safetensors")
    gone_weights, _ = install(empty_zoo, name="gone")
    gone_weights.unlink()
    problems = zoo.weights_problems()
    assert len(problems) == 2
    assert "bad_x2.json" in problems[0] and "do not match" in problems[0]
    assert "gone_x2.json" in problems[1] and "missing" in problems[1]


def test_manage_py_check_reports_corrupt_weights(empty_zoo):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    weights, _ = install(empty_zoo, name="bad")
    weights.write_bytes(b"garbage")
    with pytest.raises(SystemCheckError, match=r"mlcore\.E001"):
        call_command("check")


def test_resolve_device():
    assert mlcore.resolve_device("auto") in {"cpu", "cuda"}
    assert mlcore.resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="Unknown device"):
        mlcore.resolve_device("tpu")


def test_psnr_and_ssim_accept_pil_images():
    img = photo(30, 30)
    other = Image.fromarray(np.asarray(img) // 2)
    assert mlcore.psnr(img, img.copy(), scale=2) == float("inf")
    assert mlcore.psnr(img, other, scale=2) < 20 and mlcore.ssim(img, other, scale=2) < 1


def test_zoo_reads_each_file_once_until_it_changes(empty_zoo, monkeypatch):
    install(empty_zoo, name="first")
    (empty_zoo / "zoo.json").write_text(json.dumps({"defaults": {"2": "first"}}))
    reads = []
    read_text = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: reads.append(self.name) or read_text(self, *a, **k))
    assert [m["name"] for m in mlcore.list_models()["models"]] == ["bicubic", "first"]
    assert sorted(set(reads)) == ["first_x2.json", "zoo.json"]
    reads.clear()
    assert mlcore.list_models()["default"]["2"] == "first"
    assert reads == []  # a second call reads no file
    install(empty_zoo, name="second")
    (empty_zoo / "zoo.json").write_text(json.dumps({"defaults": {"2": "second"}}))
    listed = mlcore.list_models()
    assert [m["name"] for m in listed["models"]] == ["bicubic", "first", "second"]
    assert listed["default"]["2"] == "second" and sorted(set(reads)) == ["second_x2.json", "zoo.json"]


def test_what_the_zoo_hands_out_is_the_callers_to_change(empty_zoo):
    install(empty_zoo, name="first")
    measured = {"first": {"2": {"Set5": {"psnr": 36.0, "ssim": 0.95, "seconds_per_mp": 0.1}}}}
    (empty_zoo / "zoo.json").write_text(json.dumps({"measured": measured}))
    listed = mlcore.list_models()
    listed["models"][1]["measured"]["2"] = "scribbled"
    listed["default"]["2"] = "scribbled"
    found = zoo.cards()
    found[("first", 2)]["arch_args"]["width"] = -1
    assert mlcore.list_models()["models"][1]["measured"] == measured["first"]
    assert mlcore.list_models()["default"]["2"] != "scribbled"
    assert zoo.cards()[("first", 2)]["arch_args"] != {"width": -1}
    assert mlcore.resolve_model("first", 2)[0] == "first"


def test_reinstalled_weights_change_the_output_in_the_same_process(empty_zoo):
    image = photo(24, 16)
    install(empty_zoo, name="tiny")
    first_hash = mlcore.resolve_model("tiny", 2)[1]
    first = np.asarray(mlcore.upscale(image, scale=2, model="tiny", device="cpu"))
    torch.manual_seed(1)  # different weights under the same name, as `train --install` writes them
    save(empty_zoo, build("espcn", 2), {"name": "tiny", "arch": "espcn", "arch_args": {}})
    second_hash = mlcore.resolve_model("tiny", 2)[1]
    second = np.asarray(mlcore.upscale(image, scale=2, model="tiny", device="cpu"))
    assert first_hash != second_hash
    expected = load(empty_zoo / "tiny_x2.json")[0]
    assert not np.array_equal(first, second)
    assert np.abs(second.astype(int) - run_network(expected, np.asarray(image), 2)).max() <= 1
