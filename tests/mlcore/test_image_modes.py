"""Modes, orientation and metadata through the public upscale call (bicubic: no weights needed)."""

import io

import numpy as np
import pytest
from PIL import Image, ImageCms

import mlcore

from .conftest import encode, photo


def up(img, scale=2):
    return mlcore.upscale(img, scale=scale, model="bicubic", device="cpu")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("RGB", "RGB"),
        ("RGBA", "RGBA"),
        ("L", "L"),
        ("LA", "LA"),
        ("CMYK", "RGB"),
        ("1", "L"),
    ],
)
def test_mode_is_kept_or_converted_sensibly(mode, expected):
    out = up(photo(21, 13, mode))
    assert out.mode == expected and out.size == (42, 26)


def test_alpha_is_upscaled_and_reattached():
    img = photo(16, 12).convert("RGBA")
    alpha = np.zeros((12, 16), dtype=np.uint8)
    alpha[:, 8:] = 255
    img.putalpha(Image.fromarray(alpha))
    out = np.asarray(up(img))
    assert out.shape == (24, 32, 4)
    assert out[:, :12, 3].max() == 0 and out[:, 20:, 3].min() == 255


def test_palette_png_with_transparency_keeps_its_transparency():
    img = Image.new("P", (10, 8), 0)
    img.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    img.paste(1, (5, 0, 10, 8))
    img.info["transparency"] = 1
    out = up(encode(img, "PNG"))
    assert out.mode == "RGBA" and out.size == (20, 16)
    assert np.asarray(out)[:, -1, 3].max() == 0  # the transparent colour stays transparent


def test_sixteen_bit_png_becomes_eight_bit_gray_over_its_full_range():
    ramp = (np.linspace(0, 65535, 32)[None, :] * np.ones((8, 1))).astype(np.uint16)
    img = encode(Image.fromarray(ramp), "PNG")
    assert img.mode.startswith("I")
    out = up(img)
    assert out.mode == "L" and out.size == (64, 16)
    assert np.asarray(out).min() <= 2 and np.asarray(out).max() >= 253


def test_exif_rotated_jpeg_comes_out_upright():
    img = photo(40, 20)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = up(encode(img, "JPEG", exif=exif.tobytes()))
    assert out.size == (40, 80)  # upright: 20 × 40 before enlarging


def test_icc_profile_is_kept_and_exif_is_stripped():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    img = encode(photo(16, 16), "JPEG", icc_profile=icc, exif=exif.tobytes())
    out = up(img)
    buffer = io.BytesIO()
    out.save(buffer, "PNG", icc_profile=out.info.get("icc_profile"))
    reopened = Image.open(io.BytesIO(buffer.getvalue()))
    assert reopened.info.get("icc_profile") == icc
    assert "SecretCam" not in buffer.getvalue().decode("latin-1")
    assert not out.getexif()


def test_animated_gif_is_refused():
    frames = [photo(12, 12, seed=s).convert("P") for s in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    with pytest.raises(mlcore.AnimatedImageError) as exc:
        up(Image.open(io.BytesIO(buffer.getvalue())))
    assert exc.value.frames == 3


def test_grayscale_stays_grayscale_with_a_luma_model_too(empty_zoo):
    out = up(photo(12, 10, "L"), scale=3)
    assert out.mode == "L" and out.size == (36, 30)


def test_progress_is_reported_per_tile_and_an_exception_aborts():
    calls = []
    mlcore.upscale(photo(40, 40), scale=2, model="bicubic", tile=16, on_progress=lambda d, t: calls.append((d, t)))
    assert calls == [(i, 9) for i in range(1, 10)]

    def cancel(done, total):
        if done == 2:
            raise RuntimeError("cancelled")
        calls.append(done)

    calls.clear()
    with pytest.raises(RuntimeError, match="cancelled"):
        mlcore.upscale(photo(40, 40), scale=2, model="bicubic", tile=16, on_progress=cancel)
    assert calls == [1]


def test_downscale_crops_to_the_scale_then_shrinks():
    out = mlcore.downscale(photo(101, 50), 4)
    assert out.size == (25, 12)


def test_prepare_gives_the_upright_eight_bit_image_the_engine_sees():
    assert mlcore.prepare(photo(12, 10, "LA")).mode == "L"
    assert mlcore.prepare(photo(12, 10, "RGBA")).mode == "RGB"
    exif = Image.Exif()
    exif[0x0112] = 6
    assert mlcore.prepare(encode(photo(40, 20), "JPEG", exif=exif.tobytes())).size == (20, 40)
    ramp = (np.linspace(0, 65535, 32)[None, :] * np.ones((8, 1))).astype(np.uint16)
    gray = np.asarray(mlcore.prepare(encode(Image.fromarray(ramp), "PNG")))
    assert gray.dtype == np.uint8 and gray.max() == 255
