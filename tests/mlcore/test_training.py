"""Training: a few steps on tiny data lower the loss for every optimizer; resume; install."""

import io
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from django.core.management import CommandError, call_command

import mlcore
from mlcore.data import PatchSampler, make_pairs, rescaled, split
from mlcore.imaging import imresize
from mlcore.training import OPTIMIZERS, TrainConfig, lr_factor, train, validate

from .conftest import photo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hr_folder(tmp_path):
    folder = tmp_path / "hr"
    folder.mkdir()
    for i in range(5):
        photo(60 + 4 * i, 48, seed=i).save(folder / f"img{i}.png")
    return folder


@pytest.fixture
def pairs(hr_folder):
    return make_pairs(sorted(hr_folder.glob("*.png")), 2)


def short_run(**overrides) -> TrainConfig:
    """40 steps of a tiny ESPCN with MSE at a constant rate: enough for the loss to fall."""
    options = {"arch": "espcn", "lr": 1e-3, "loss": "mse", "schedule": "constant", "epochs": 1, "steps_per_epoch": 40}
    return TrainConfig(scale=2, batch_size=8, patch_size=12, **{**options, **overrides})


def collect(events):
    return lambda event: events.append(event)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_a_few_steps_lower_the_loss_for_each_optimizer(optimizer, pairs):
    lr = {"sgd": 0.1, "momentum": 0.01, "rmsprop": 1e-3, "adam": 1e-3}[optimizer]
    events = []
    train(short_run(optimizer=optimizer, lr=lr), pairs, [], emit=collect(events))
    losses = [e.data["loss"] for e in events if e.kind == "step" and "loss" in e.data]  # every 10 steps
    assert len(losses) == 4 and losses[-1] < losses[0]


def test_events_come_in_order_with_validation_numbers(pairs):
    train_pairs, val_pairs = split(pairs, 0.2, seed=0)
    assert len(val_pairs) == 1 and len(train_pairs) == 4
    config = TrainConfig(arch="fsrcnn", scale=2, epochs=2, steps_per_epoch=3, batch_size=4, patch_size=10)
    events = []
    train(config, train_pairs, val_pairs, emit=collect(events))
    kinds = [e.kind for e in events]
    assert kinds == ["start"] + ["step"] * 3 + ["epoch"] + ["step"] * 3 + ["epoch", "end"]
    epoch = next(e for e in events if e.kind == "epoch").data
    assert 10 < epoch["val_psnr"] < 60 and 0 < epoch["val_ssim"] <= 1


def test_ema_installs_the_average_of_the_steps_and_leaves_the_steps_alone(pairs):
    """--ema: the validated and kept weights are the moving average (after two steps at decay 0.9: 0.9 × the first
    step's weights + 0.1 × the second's); the steps are those of a run without it; --resume carries the average."""
    train_pairs, val_pairs = split(pairs, 0.2, seed=0)

    def run(steps, epochs=1, ema=0.9, **kwargs):
        return train(short_run(steps_per_epoch=steps, epochs=epochs, ema=ema), train_pairs, val_pairs, **kwargs)

    one, two, plain = run(1), run(2), run(2, ema=None)
    first, second, best = one["net"].state_dict(), two["net"].state_dict(), two["best"]["weights"]
    for name, weights in plain["net"].state_dict().items():
        assert torch.equal(weights, second[name]), name  # the average does not steer the steps
        assert torch.allclose(best[name], 0.9 * first[name] + 0.1 * second[name], atol=1e-7), name
        assert torch.equal(one["best"]["weights"][name], first[name])  # one step: the average is that step
    assert any(not torch.equal(best[name], second[name]) for name in best)  # installed: the average, not the last step
    net = two["net"]
    net.load_state_dict(best)
    assert two["best"]["val_psnr"] == pytest.approx(validate(net, val_pairs, 2, "cpu")[0], abs=1e-9)
    states = []
    run(2, epochs=1, emit=lambda e: states.append(e.data.get("state")))
    resumed = run(2, epochs=2, state=[s for s in states if s][-1])
    straight = run(2, epochs=2)
    assert all(torch.equal(resumed["best"]["weights"][k], w) for k, w in straight["best"]["weights"].items())


def test_init_from_names_the_tensors_it_left_fresh(pairs, tmp_path):
    from safetensors.torch import save_file

    from mlcore.archs import build
    from mlcore.reporting import ProgressBar

    weights = tmp_path / "six.safetensors"
    save_file(build("edsr_lite", 2, {"width": 8, "blocks": 6}).state_dict(), weights)
    reports = {}
    # the same body, then two blocks more: the new blocks and the closing conv (renamed) start fresh
    for blocks in (6, 8):
        config = TrainConfig(
            arch="edsr_lite", scale=2, arch_args={"width": 8, "blocks": blocks}, epochs=1, steps_per_epoch=1,
            batch_size=2, patch_size=10, init_from=str(weights),
        )  # fmt: skip
        starts, stream = [], io.StringIO()
        bar = ProgressBar(config.total_steps, stream)

        def emit(event, starts=starts, bar=bar):
            bar(event)
            if event.kind == "start":
                starts.append(event.data["init_fresh"])

        train(config, pairs, [], emit=emit)
        reports[blocks] = (starts[0], stream.getvalue())
    assert reports[6][0] == [] and "--init-from" not in reports[6][1]
    fresh, printed = reports[8]
    assert fresh and all(name.split(".")[:2] in (["body", "6"], ["body", "7"], ["body", "8"]) for name in fresh)
    assert f"--init-from left {len(fresh)} tensors as initialised" in printed and fresh[0] in printed


def test_patches_are_aligned_between_lr_and_hr(pairs):
    sampler = PatchSampler(pairs, 2, 8, "y", seed=3)
    lr, hr = sampler.batch(6)
    assert lr.shape == (6, 1, 8, 8) and hr.shape == (6, 1, 16, 16)
    # each LR patch is the HR patch shrunk by 2 (up to 8-bit rounding and patch-edge effects)
    assert np.abs(lr[:, :, 2:-2, 2:-2] - hr[:, :, 4:-4:2, 4:-4:2].clip(0, 1)).mean() < 0.05


def test_rescaled_adds_each_image_shrunk_with_its_own_bicubic_lr(pairs):
    out = rescaled(pairs, (0.75, 0.5), 2)
    assert all(a is b for a, b in zip(out[: len(pairs)], pairs, strict=True)) and len(out) == 3 * len(pairs)
    first, shrunk = pairs[0], out[len(pairs)]  # img0 (60×48 HR) at 0.75
    assert shrunk.name == f"{first.name}@0.75" and shrunk.hr.shape == (36, 44, 3)
    assert np.array_equal(shrunk.hr, imresize(first.hr, 0.75)[:36, :44])  # modcropped to the scale
    assert np.array_equal(shrunk.lr, imresize(shrunk.hr, 0.5))
    assert out[2 * len(pairs)].hr.shape == (24, 30, 3)


def test_training_with_rescaled_images_lowers_the_loss(pairs):
    events = []
    train(short_run(rescale=(0.8,)), pairs, [], emit=collect(events))
    assert events[0].data["train_images"] == 5 and events[0].data["patch_images"] == 10
    losses = [e.data["loss"] for e in events if e.kind == "step" and "loss" in e.data]
    assert losses[-1] < losses[0]


def test_train_command_refuses_rescale_with_ready_made_lr(hr_folder, tmp_path):
    folders = ["--lr-dir", str(hr_folder), "--hr-dir", str(hr_folder), "--run-dir", str(tmp_path / "run")]
    with pytest.raises(CommandError, match="does not go with --lr-dir"):
        call_command("train", "espcn", "--scale", "2", "--rescale", "0.8", *folders)


def test_train_command_refuses_a_negative_seed_in_words(tmp_path):
    for flag in ("--seed", "--split-seed"):
        with pytest.raises(CommandError, match="must be 0 or more"):
            call_command("train", "espcn", "--scale", "2", flag, "-1", "--run-dir", str(tmp_path / "run"))


def test_the_seed_leaves_the_validation_images_and_their_degradations_alone(hr_folder, pairs, tmp_path):
    """--seed draws the patches and the initial weights; --split-seed the held-out images and their degradations,
    so runs of different seeds are scored on the same images and can be compared."""
    from mlcore.checkpoints import load
    from mlcore.training import validation_pairs

    def degraded(**seeds):
        return validation_pairs(TrainConfig(arch="espcn", scale=2, degradation="noisy", **seeds), pairs)

    same, other_seed, other_split = degraded(seed=0), degraded(seed=7), degraded(split_seed=7)
    assert all(np.array_equal(a.lr, b.lr) for a, b in zip(same, other_seed, strict=True))
    assert not all(np.array_equal(a.lr, b.lr) for a, b in zip(same, other_split, strict=True))

    zoo_dir = tmp_path / "zoo"
    options = ["--val-split", "0.2", "--epochs", "1", "--steps-per-epoch", "3", "--batch-size", "4"]
    options += ["--patch-size", "10", "--run-dir", str(tmp_path / "run"), "--device", "cpu"]
    options += ["--install", "--name", "tiny", "--zoo-dir", str(zoo_dir), "--seed", "1"]
    call_command("train", "espcn", "--scale", "2", "--data", str(hr_folder), *options)
    net, card = load(zoo_dir / "tiny_x2.json")
    assert card["data"]["val"] == "split 0.2 seed 0" and card["training"]["seed"] == 1
    held, drawn_by_seed_1 = split(pairs, 0.2, 0)[1], split(pairs, 0.2, 1)[1]
    assert held[0].name != drawn_by_seed_1[0].name  # seed 1 alone would have held out another image
    assert card["validation"]["psnr"] == pytest.approx(validate(net, held, 2, "cpu")[0], abs=0.001)
    assert card["validation"]["psnr"] != pytest.approx(validate(net, drawn_by_seed_1, 2, "cpu")[0], abs=0.001)


def test_train_command_resumes_and_installs_loadable_weights(hr_folder, tmp_path, empty_zoo):
    run_dir = tmp_path / "run"
    common = [
        "espcn",
        "--scale",
        "2",
        "--data",
        str(hr_folder),
        "--val-split",
        "0.2",
        "--steps-per-epoch",
        "4",
        "--batch-size",
        "4",
        "--patch-size",
        "10",
        "--run-dir",
        str(run_dir),
        "--device",
        "cpu",
    ]
    call_command("train", *common, "--epochs", "1")
    first = json.loads((run_dir / "metrics.json").read_text())
    assert [r["epoch"] for r in first] == [1]
    call_command("train", *common, "--epochs", "2", "--resume", "--install", "--name", "tiny")
    history = json.loads((run_dir / "metrics.json").read_text())
    assert [r["epoch"] for r in history] == [1, 2] and history[0] == first[0]
    for name in ("metrics.csv", "loss.png", "psnr.png", "checkpoint.pt"):
        assert (run_dir / name).exists()
    card = json.loads((empty_zoo / "tiny_x2.json").read_text())
    assert card["arch"] == "espcn" and card["validation"]["psnr"] > 10 and "self_ensemble" not in card
    assert (
        card["command"].startswith("python manage.py train espcn --scale 2 --name tiny --data ")
        and "--resume" not in card["command"]
    )
    out = mlcore.upscale(photo(24, 16), scale=2, model="tiny", device="cpu")
    assert out.size == (48, 32)
    # new weights over a card keep how the zoo serves the model (its views), and say so
    (empty_zoo / "tiny_x2.json").write_text(json.dumps({**card, "self_ensemble": 2}))
    call_command("train", *common, "--epochs", "1", "--install", "--name", "tiny", stdout=(said := io.StringIO()))
    card = json.loads((empty_zoo / "tiny_x2.json").read_text())
    assert card["self_ensemble"] == 2 and card["training"]["epochs"] == 1
    assert "kept self_ensemble 2 from the card it replaces" in said.getvalue()
    # a run installing into a scratch folder keeps them from the shipped card its weights are meant to replace
    scratch = tmp_path / "scratch_zoo"
    call_command(
        "train", *common, "--epochs", "1", "--install", "--name", "tiny", "--zoo-dir", str(scratch), stdout=said
    )
    assert json.loads((scratch / "tiny_x2.json").read_text())["self_ensemble"] == 2
    assert f"kept self_ensemble 2 from the shipped card {empty_zoo / 'tiny_x2.json'}" in said.getvalue()
    assert json.loads((empty_zoo / "tiny_x2.json").read_text()) == card  # the shipped card is left as it was


def test_installed_cards_name_the_stages_their_weights_grew_from(hr_folder, tmp_path):
    """--init-from weights with a card: the new card's ``ancestry`` is that card's ancestry and that card (its
    command, commit, hash, validation, hand-written lineage), read before installing can overwrite them."""
    from mlcore import checkpoints
    from mlcore.archs import build

    zoo_dir, run_dir = tmp_path / "zoo", tmp_path / "run"
    parent = {"name": "tiny", "arch": "espcn", "command": "by hand", "lineage": "drawn at random"}
    parent_weights, _ = checkpoints.save(zoo_dir, build("espcn", 2), {**parent, "validation": {"psnr": 20.0}})
    parent_hash, parent_bytes = checkpoints.weights_hash(parent_weights), parent_weights.read_bytes()
    common = ["espcn", "--scale", "2", "--data", str(hr_folder), "--val-split", "0.2", "--steps-per-epoch", "3"]
    common += [
        "--batch-size",
        "4",
        "--patch-size",
        "10",
        "--device",
        "cpu",
        "--name",
        "tiny",
        "--zoo-dir",
        str(zoo_dir),
    ]
    # a run from the zoo's own weights installs over them
    call_command("train", *common, "--epochs", "1", "--run-dir", str(run_dir), "--init-from", str(parent_weights),
                 "--install", stdout=io.StringIO())  # fmt: skip
    child = json.loads((zoo_dir / "tiny_x2.json").read_text())
    stage = {
        "command": "by hand",
        "lineage": "drawn at random",
        "validation": {"psnr": 20.0},
        "weights_hash": parent_hash,
    }
    assert child["ancestry"] == [stage] and child["weights_hash"] != parent_hash and "lineage" not in child
    # continued, it still names the weights it started from, not the ones it installed over them
    call_command("train", *common, "--epochs", "2", "--run-dir", str(run_dir), "--init-from", str(parent_weights),
                 "--resume", "--install", stdout=io.StringIO())  # fmt: skip
    assert json.loads((zoo_dir / "tiny_x2.json").read_text())["ancestry"] == [stage]
    # a run from those weights: two stages, oldest first, each with the hash of the weights it made
    installed = checkpoints.load(zoo_dir / "tiny_x2.json")[1]
    call_command("train", *common, "--epochs", "1", "--run-dir", str(tmp_path / "run2"), "--init-from",
                 str(parent_weights), "--install", stdout=io.StringIO())  # fmt: skip
    stages = json.loads((zoo_dir / "tiny_x2.json").read_text())["ancestry"]
    assert stages[0] == stage and stages[1]["weights_hash"] == installed["weights_hash"]
    assert stages[1]["command"] == installed["command"] and stages[1]["commit"] == installed["commit"]
    # weights without their card (or beside another's) end the line with their path and hash
    bare = tmp_path / "bare.safetensors"
    bare.write_bytes(parent_bytes)
    (tmp_path / "bare.json").write_text(json.dumps({**parent, "scale": 2, "weights_hash": "0" * 12}))
    assert checkpoints.ancestry(bare) == [{"weights": str(bare), "weights_hash": parent_hash}]


@pytest.mark.parametrize("content", [None, b"not a weights file"])
def test_train_refuses_missing_or_corrupt_init_weights_in_words(hr_folder, tmp_path, content):
    weights = tmp_path / "start.safetensors"
    if content is not None:
        weights.write_bytes(content)
    with pytest.raises(CommandError, match=rf"--init-from: Weights {weights} are missing or corrupt: "):
        call_command("train", "espcn", "--scale", "2", "--data", str(hr_folder), "--epochs", "1",
                     "--run-dir", str(tmp_path / "run"), "--init-from", str(weights))  # fmt: skip
    assert not (tmp_path / "run" / "checkpoint.pt").exists()


def test_compare_optimizers_runs_end_to_end_on_tiny_data(hr_folder, tmp_path, capsys):
    out = tmp_path / "cmp"
    call_command(
        "compare_optimizers",
        "--arch",
        "espcn",
        "--scale",
        "2",
        "--data",
        str(hr_folder),
        "--epochs",
        "2",
        "--steps-per-epoch",
        "3",
        "--batch-size",
        "4",
        "--patch-size",
        "10",
        "--out",
        str(out),
    )
    results = json.loads((out / "results.json").read_text())
    assert list(results) == ["sgd", "momentum", "rmsprop", "adam"]
    assert all(len(r["history"]) == 2 for r in results.values())
    assert (out / "optimizers.png").stat().st_size > 10_000
    table = capsys.readouterr().out
    for label in ("MBGD", "SGD-momentum", "RMSprop", "Adam"):
        assert f"| {label} |" in table


def test_a_time_budget_ends_the_run_and_drives_the_schedule(pairs):
    train_pairs, val_pairs = split(pairs, 0.2, seed=0)
    config = TrainConfig(
        arch="fsrcnn", scale=2, minutes=0.1, epochs=1, steps_per_epoch=10_000, batch_size=4, patch_size=10
    )
    assert config.total_steps is None
    events = []
    result = train(config, train_pairs, val_pairs, emit=collect(events))
    steps = [e.data for e in events if e.kind == "step"]
    # far fewer than the 10,000 steps of the epoch: the 6 s budget ended it, then it validated once (a loaded
    # machine may make only a few steps in 6 s, so the count is only bounded)
    assert 2 <= len(steps) < 10_000 and [e.kind for e in events][-2:] == ["epoch", "end"]
    assert result["history"][0]["steps"] == len(steps) and result["best"]["epoch"] == 1
    # the cosine runs from the full rate down over the budget (the last step is past its middle)
    assert steps[0]["lr"] > 0.99 * config.lr and steps[-1]["lr"] < 0.5 * config.lr
    assert all(a["lr"] >= b["lr"] for a, b in itertools.pairwise(steps))


def test_lr_factor_follows_progress():
    assert lr_factor("cosine", 0) == 1 and lr_factor("cosine", 0.5) == pytest.approx(0.5)
    assert lr_factor("cosine", 1.7) == pytest.approx(0)  # past the end stays at the end
    assert [lr_factor("step", p) for p in (0, 0.5, 0.8)] == [1, 0.5, 0.25]
    assert lr_factor("constant", 0.9) == 1


def test_train_runs_with_the_engine_only_settings(hr_folder, tmp_path):
    """A rented GPU has Django and torch but no web stack: srsite.settings_engine must be enough."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "srsite.settings_engine", "SRSITE_COMMIT": "abc123"}
    run = subprocess.run(
        [sys.executable, "manage.py", "train", "espcn", "--scale", "2", "--data", str(hr_folder), "--minutes",
         "0.02", "--steps-per-epoch", "1000", "--batch-size", "4", "--patch-size", "10", "--device", "cpu",
         "--run-dir", str(tmp_path / "run"), "--zoo-dir", str(tmp_path / "zoo"), "--install"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    card = json.loads((tmp_path / "zoo" / "espcn_x2.json").read_text())
    assert card["commit"] == "abc123" and "--minutes 0.02" in card["command"]
    assert card["training"]["minutes"] == 0.02 and card["training"]["steps"] > 0


def test_degradation_training_lowers_the_loss_and_validates_on_degraded_lr(pairs):
    config = short_run(degradation="realistic")
    events = []
    train_pairs, val_pairs = split(pairs, 0.2, seed=0)
    train(config, train_pairs, val_pairs, emit=collect(events))
    losses = [e.data["loss"] for e in events if e.kind == "step" and "loss" in e.data]
    assert len(losses) == 4 and losses[-1] < losses[0]
    assert np.isfinite(next(e for e in events if e.kind == "epoch").data["val_psnr"])


def test_bf16_body_training_lowers_the_loss_and_keeps_float32_weights(pairs):
    config = short_run(arch="edsr_lite", arch_args={"width": 8, "blocks": 1}, bf16_body=True)
    events = []
    net = train(config, pairs, [], emit=collect(events))["net"]
    losses = [e.data["loss"] for e in events if e.kind == "step" and "loss" in e.data]
    assert len(losses) == 4 and losses[-1] < losses[0]
    assert not net.bf16_body and all(p.dtype == torch.float32 for p in net.parameters())


def test_bf16_body_is_refused_for_a_network_without_one():
    with pytest.raises(ValueError, match="espcn has no body to run in bfloat16; --bf16-body is for edsr_lite"):
        short_run(bf16_body=True)


def test_bf16_body_runs_the_residual_blocks_in_bfloat16():
    net = mlcore.archs.build("edsr_lite", 2, {"width": 8, "blocks": 1})
    seen = []
    net.body[0].register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    net(torch.rand(1, 1, 12, 12))
    net.bf16_body = True
    net(torch.rand(1, 1, 12, 12))
    assert seen == [torch.float32, torch.bfloat16]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("loss", "huber", "Unknown loss 'huber'"),
        ("schedule", "linear", "Unknown schedule 'linear'"),
        ("optimizer", "lion", "Unknown optimizer 'lion'"),
        ("degradation", "heavy", "Unknown degradation 'heavy'"),
        ("batch_size", 0, "must be positive"),
        ("rescale", (0.8, 1.2), "between 0 and 1"),
        ("seed", -1, "must be 0 or more"),
        ("split_seed", -1, "must be 0 or more"),
        ("ema", 1.0, "--ema is the average's decay per step: between 0 and 1"),
        ("ema", 0.0, "--ema is the average's decay per step: between 0 and 1"),
    ],
)
def test_config_refuses_unknown_choices_instead_of_falling_back(field, value, words):
    with pytest.raises(ValueError, match=words):
        TrainConfig(arch="espcn", scale=2, **{field: value})


def test_config_is_frozen():
    config = TrainConfig(arch="espcn", scale=2)
    with pytest.raises(AttributeError):
        config.lr = 1.0
