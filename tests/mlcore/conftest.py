import io
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from PIL import Image

from mlcore import zoo

DATASETS = Path(settings.SRSITE_DATA_ROOT)  # a missing set fails the tests that read it, never skips them


@pytest.fixture
def empty_zoo(tmp_path, monkeypatch):
    """A zoo folder with no trained weights (what a fresh checkout without weights would have)."""
    monkeypatch.setattr(zoo, "WEIGHTS_DIR", tmp_path / "weights")
    (tmp_path / "weights").mkdir()
    return tmp_path / "weights"


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def photo(width: int, height: int, mode: str = "RGB", seed: int = 0) -> Image.Image:
    """A smooth, photo-like test image of the given size and mode."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 128 + 100 * np.sin(x / 7.0) * np.cos(y / 11.0)
    g = 128 + 90 * np.cos((x + y) / 13.0)
    b = 128 + 80 * np.sin(np.hypot(x - width / 2, y - height / 2) / 5.0 + seed)
    rgb = Image.fromarray(np.clip(np.stack([r, g, b], axis=2), 0, 255).astype(np.uint8), "RGB")
    return rgb if mode == "RGB" else rgb.convert(mode)


def encode(img: Image.Image, fmt: str, **params) -> Image.Image:
    """Round-trip through an encoder, as an upload would arrive."""
    buffer = io.BytesIO()
    img.save(buffer, fmt, **params)
    buffer.seek(0)
    return Image.open(buffer)
