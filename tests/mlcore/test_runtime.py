import numpy as np
import pytest

from mlcore import zoo
from mlcore.checkpoints import load
from mlcore.inference import _Runner, run_network, upscale_array
from mlcore.runtime import CACHE_FOLDER, TORCH_ON_CPU, make_engine, torch_engine

from .conftest import photo

SHIPPED = sorted(zoo.cards())


def shipped(name, scale):
    net, card = load(zoo.card_path(name, scale))
    return net, card["weights_hash"]


@pytest.mark.parametrize(("name", "scale"), SHIPPED)
def test_cpu_engine_matches_pytorch_within_one_step(name, scale, tmp_path):
    net, weights_hash = shipped(name, scale)
    x = np.random.default_rng(0).random((1, net.in_channels, 23, 31), dtype=np.float32)
    engine = make_engine(net, "cpu", weights_hash, tmp_path)
    exported = (tmp_path / CACHE_FOLDER / f"{weights_hash}.onnx").exists()
    assert exported == (type(net).__name__ not in TORCH_ON_CPU)
    assert np.abs(engine(x) - torch_engine(net, "cpu")(x)).max() < 1 / 255


@pytest.mark.parametrize(("name", "scale"), [("espcn", 3), ("srcnn", 2), ("fsrcnn", 4)])
def test_tiled_output_is_exact_with_the_exported_engine(name, scale, tmp_path):
    net, weights_hash = shipped(name, scale)
    runner = _Runner(net, scale, "cpu", make_engine(net, "cpu", weights_hash, tmp_path))
    img = np.asarray(photo(90, 70))
    whole = upscale_array(img, runner, 500, lambda: None)
    tiled = upscale_array(img, runner, 23, lambda: None)
    assert np.abs(whole.astype(int) - tiled.astype(int)).max() <= 1
    assert np.abs(whole.astype(int) - run_network(net, img, scale)).max() <= 1


def test_export_is_cached_per_weights_hash_and_redone_when_absent(tmp_path):
    net, weights_hash = shipped("espcn", 2)
    path = tmp_path / CACHE_FOLDER / f"{weights_hash}.onnx"
    make_engine(net, "cpu", weights_hash, tmp_path)
    stamp = path.stat().st_mtime_ns
    make_engine(net, "cpu", weights_hash, tmp_path)
    assert path.stat().st_mtime_ns == stamp
    path.unlink()
    make_engine(net, "cpu", weights_hash, tmp_path)
    assert path.exists()


def test_pytorch_serves_when_the_export_cannot_be_written(tmp_path, caplog):
    net, weights_hash = shipped("fsrcnn", 2)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would go")
    x = np.random.default_rng(1).random((1, 1, 17, 19), dtype=np.float32)
    engine = make_engine(net, "cpu", weights_hash, blocked)
    assert np.array_equal(engine(x), torch_engine(net, "cpu")(x))
    assert "running PyTorch" in caplog.text
