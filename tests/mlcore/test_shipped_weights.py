"""Every weight file shipped in mlcore/weights loads through the public API and beats bicubic."""

import numpy as np
import pytest
from PIL import Image

import mlcore
from mlcore import zoo
from mlcore.imaging import imresize, modcrop

from .conftest import DATASETS

SHIPPED = sorted(zoo.cards())


def test_the_zoo_has_no_missing_or_corrupt_weights():
    assert zoo.weights_problems() == []


def test_default_names_shipped_models_only():
    defaults = mlcore.list_models()["default"]
    for scale, name in defaults.items():
        assert name == zoo.BICUBIC or (name, int(scale)) in SHIPPED


@pytest.mark.parametrize(("name", "scale"), SHIPPED, ids=[f"{n}_x{s}" for n, s in SHIPPED])
def test_shipped_weights_beat_bicubic_on_a_set5_image(name, scale):
    hr = modcrop(np.asarray(Image.open(DATASETS / "Set5" / "bird.png").convert("RGB")), scale)
    lr = Image.fromarray(imresize(hr, 1 / scale))
    model = mlcore.upscale(lr, scale=scale, model=name, device="cpu")
    bicubic = mlcore.upscale(lr, scale=scale, model="bicubic", device="cpu")
    assert mlcore.psnr(model, hr, scale=scale) > mlcore.psnr(bicubic, hr, scale=scale) + 0.1
