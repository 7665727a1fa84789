import io
import zlib

import numpy as np
import pytest
from PIL import Image

from enhance import png, rendering


def noise(width: int, height: int, mode: str, seed: int = 0) -> Image.Image:
    bands = len(mode)
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, bands), dtype=np.uint8)
    return Image.fromarray(pixels[..., 0] if bands == 1 else pixels, mode)


@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA"])
@pytest.mark.parametrize(("width", "height"), [(1, 1), (7, 3), (64, 129)])
def test_png_round_trips_every_pixel_of_every_mode(mode, width, height, monkeypatch):
    monkeypatch.setattr(png, "BAND_BYTES", 100)  # many bands, so flushes and checksum combining are exercised
    image = noise(width, height, mode)
    data = png.encode(image, level=1, threads=3)
    decoded = Image.open(io.BytesIO(data))
    decoded.verify()  # chunk CRCs
    decoded = Image.open(io.BytesIO(data))
    assert decoded.mode == mode and decoded.size == (width, height)
    assert np.array_equal(np.asarray(decoded), np.asarray(image))


def test_png_stream_checksum_is_zlibs():
    image = noise(50, 40, "RGB", seed=3)
    data = png.encode(image, level=1)
    idat = b""
    pos = len(png.SIGNATURE)
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)  # raises on a wrong Adler-32
    assert len(raw) == 40 * (1 + 50 * 3)


@pytest.mark.parametrize("split", [0, 1, 5, 65521, 200_000])
def test_adler32_combine_matches_zlib_over_the_whole(split):
    data = np.random.default_rng(split).integers(0, 256, 300_000, dtype=np.uint8).tobytes()
    first, second = data[:split], data[split:]
    assert png.adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(data)


def test_result_png_keeps_the_icc_profile_and_no_other_metadata():
    image = noise(30, 20, "RGB")
    image.info.update(icc_profile=b"\0" * 8, dpi=(300, 300))
    decoded = Image.open(io.BytesIO(rendering.encode(image)))
    assert decoded.info.get("icc_profile") == b"\0" * 8 and "dpi" not in decoded.info


def test_other_modes_still_encode_through_pillow():
    image = Image.new("I;16", (9, 4), 1000)
    decoded = Image.open(io.BytesIO(rendering.encode(image)))
    assert decoded.size == (9, 4) and np.array_equal(np.asarray(decoded), np.asarray(image))
