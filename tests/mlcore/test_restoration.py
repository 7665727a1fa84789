"""Choosing the clean or the restoring model from the image itself: JPEG quality and noise."""

import io

import numpy as np
import pytest
from PIL import Image

import mlcore
from mlcore import inference, zoo
from mlcore.evaluation import warm_up
from mlcore.restoration import (
    HEAVY_JPEG_QUALITY,
    LOW_JPEG_QUALITY,
    choose_model,
    inspect,
    jpeg_quality,
    noise_sigma,
    routed_models,
)

from .conftest import encode, photo


@pytest.mark.parametrize("quality", [20, 50, 72, 90, 95])
def test_jpeg_quality_is_read_from_the_quantisation_tables(quality):
    assert jpeg_quality(encode(photo(64, 48), "JPEG", quality=quality)) == quality


def test_no_quality_for_a_png_or_a_converted_jpeg():
    assert jpeg_quality(encode(photo(32, 32), "PNG")) is None
    assert jpeg_quality(encode(photo(32, 32), "JPEG", quality=60).convert("L")) is None


def test_noise_estimate_separates_noisy_from_smooth():
    clean = np.asarray(photo(256, 256).convert("L"))
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 10, clean.shape), 0, 255).astype(np.uint8)
    assert noise_sigma(clean) < 2 < 8 < noise_sigma(noisy) < 16
    assert noise_sigma(clean[:5, :5]) == 0.0


def test_clipped_highlights_and_shadows_do_not_hide_the_noise():
    # A photo with a blown-out sky above and black shadow below: where the noise clipped at 255 or 0 the blocks
    # are calm, and a tenth of the blocks is all the estimate reads. They are left out.
    scene = np.asarray(photo(256, 256)).astype(float)
    scene[:80], scene[-40:] = 255, 0
    noisy = np.clip(scene + np.random.default_rng(0).normal(0, 10, scene.shape), 0, 255).astype(np.uint8)
    assert 8 < inspect(Image.fromarray(noisy)).noise_sigma < 12  # colour noise σ 10 (it read 5.6 before)
    # ... but a drawing on white, clipped almost everywhere, is read from all its blocks and stays clean, even
    # with a hatched grey patch whose blocks are the only unclipped ones
    drawing = np.full((256, 256), 255, np.uint8)
    drawing[::32, :] = drawing[:, ::32] = 0
    drawing[40:88, 40:88] = np.random.default_rng(1).integers(100, 160, (48, 48))
    assert noise_sigma(drawing) < 1


def test_auto_restores_a_compressed_jpeg_but_not_a_png_or_a_fine_jpeg(restoring_zoo):
    clean_default = zoo.resolve_model("default", 2)[0]
    q50 = choose_model(encode(photo(64, 48), "JPEG", quality=50), scale=2)
    assert q50.restoring and q50.name == "espcn_restore" and q50.inspection.jpeg_quality == 50
    png = choose_model(encode(photo(64, 48), "PNG"), scale=2)
    assert not png.restoring and png.name == clean_default and png.inspection.jpeg_quality is None
    q95 = choose_model(encode(photo(64, 48), "JPEG", quality=95), scale=2)
    assert not q95.restoring and q95.inspection.jpeg_quality == 95


def test_off_strong_and_named_models_are_obeyed(restoring_zoo):
    q50 = encode(photo(64, 48), "JPEG", quality=50)
    assert choose_model(q50, scale=2, restore="off").name == zoo.resolve_model("default", 2)[0]
    assert choose_model(encode(photo(64, 48), "PNG"), scale=2, restore="strong").restoring
    named = choose_model(q50, scale=2, model="srcnn", restore="strong")
    assert named.name == "srcnn" and not named.restoring and named.inspection is None and named.route == ""
    with pytest.raises(ValueError, match="Unknown restore mode 'max'"):
        choose_model(q50, scale=2, restore="max")


def test_a_heavily_compressed_jpeg_goes_to_the_jpeg_model_and_a_lighter_one_to_the_photo_model(declare_role):
    declare_role("jpeg", {"2": "fsrcnn", "3": "fsrcnn"})  # any models with weights at the scale stand in
    declare_role("restoring", {"2": "espcn_restore", "3": "espcn"})
    for scale in (2, 3):  # ×2's JPEG model takes every JPEG auto restores, ×3's those of quality ≤ 82
        top = HEAVY_JPEG_QUALITY[scale]
        qualities = sorted({30, top, top + 1, 90, 91})
        routed = {q: choose_model(encode(photo(64, 48), "JPEG", quality=q), scale=scale) for q in qualities}
        routes = {q: "jpeg" if q <= top else "photo" if q <= 90 else "clean" for q in qualities}
        assert {q: c.route for q, c in routed.items()} == routes
        named = {"jpeg": "fsrcnn", "photo": zoo.restoring_model(scale), "clean": zoo.resolve_model("default", scale)[0]}
        assert {q: c.name for q, c in routed.items()} == {q: named[route] for q, route in routes.items()}
        assert all(routed[q].restoring for q in qualities if q <= 90)
    assert HEAVY_JPEG_QUALITY[3] < 90 and mlcore.list_models()["jpeg"]["2"] == "fsrcnn"
    # strong is the photo model whatever the input; a scale without a JPEG model keeps the photo model
    assert choose_model(encode(photo(64, 48), "JPEG", quality=30), scale=2, restore="strong").name == "espcn_restore"
    declare_role("jpeg", {"3": "fsrcnn"})
    assert choose_model(encode(photo(64, 48), "JPEG", quality=30), scale=2).name == "espcn_restore"


def test_a_badly_compressed_jpeg_goes_to_the_low_quality_jpeg_model_beside_the_jpeg_model(declare_role):
    declare_role("jpeg", {"2": "fsrcnn"})  # any models with ×2 weights stand in for the two JPEG models
    declare_role("jpeg_low", {"2": "srcnn", "3": "srcnn"})
    qualities = (30, LOW_JPEG_QUALITY, LOW_JPEG_QUALITY + 1, HEAVY_JPEG_QUALITY[2])
    routed = {q: choose_model(encode(photo(64, 48), "JPEG", quality=q), scale=2) for q in qualities}
    assert [routed[q].name for q in qualities] == ["srcnn", "srcnn", "fsrcnn", "fsrcnn"]
    assert {c.route for c in routed.values()} == {"jpeg"}
    # only beside a JPEG model: ×3 has none in this zoo, so its photo model takes every JPEG
    assert mlcore.list_models()["jpeg_low"] == {"2": "srcnn", "3": None, "4": None}
    assert choose_model(encode(photo(64, 48), "JPEG", quality=30), scale=2, restore="strong").name == "espcn_restore"


def test_routed_models_are_every_model_default_may_run_and_evaluate_warms_them_all(declare_role):
    declare_role("jpeg", {"2": "fsrcnn"})
    declare_role("jpeg_low", {"2": "srcnn"})
    declare_role("denoising", {"2": "fsrcnn", "3": "srcnn"})  # a model in two roles is listed once
    default = zoo.default_model(2)
    assert routed_models(2) == [default, "espcn_restore", "fsrcnn", "srcnn"]
    assert routed_models(3) == [zoo.default_model(3)]  # no restoring model at ×3: never routed, no denoising
    inference._cache.clear()
    warm_up("default", 2)
    assert {key[0] for key in inference._cache} == {zoo.resolve_model(n, 2)[1] for n in routed_models(2)}


def test_no_restoring_model_for_a_scale_means_the_clean_default(restoring_zoo):
    choice = choose_model(encode(photo(64, 48), "JPEG", quality=30), scale=3)
    assert not choice.restoring and choice.name == zoo.resolve_model("default", 3)[0]


def test_upscale_routes_default_through_the_same_choice(restoring_zoo):
    img = encode(photo(40, 30), "JPEG", quality=40)
    routed = np.asarray(mlcore.upscale(img, scale=2, device="cpu"))
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    restored = mlcore.upscale(Image.open(io.BytesIO(buffer.getvalue())), scale=2, model="espcn_restore", device="cpu")
    assert np.array_equal(routed, np.asarray(restored))
    assert mlcore.list_models()["restoring"]["2"] == "espcn_restore"


def test_inspect_reports_both_measures():
    found = inspect(encode(photo(64, 64), "JPEG", quality=80))
    assert found.jpeg_quality == 80 and found.noise_sigma >= 0 and found.degraded


def test_quality_survives_the_shared_decode_of_a_rotated_jpeg():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: open_image returns a new, upright image
    buffer = io.BytesIO()
    photo(40, 24).save(buffer, "JPEG", quality=45, exif=exif)
    buffer.seek(0)
    image, fmt = mlcore.open_image(buffer)
    assert (fmt, image.size, jpeg_quality(image)) == ("JPEG", (24, 40), 45)
    png, _ = mlcore.open_image(io.BytesIO(encode(photo(8, 8), "PNG").fp.getvalue()))
    assert jpeg_quality(png) is None


def test_noisy_input_that_is_not_a_compressed_jpeg_goes_to_the_denoising_model(declare_role):
    declare_role("denoising", {"2": "espcn"})  # any model with ×2 weights stands in for it
    clean = np.asarray(photo(96, 96))
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 12, clean.shape), 0, 255).astype(np.uint8)
    png = choose_model(encode(Image.fromarray(noisy), "PNG"), scale=2)
    assert png.restoring and png.name == "espcn" and png.route == "noise" and png.inspection.noise_sigma >= 7.5
    q50 = choose_model(encode(Image.fromarray(noisy), "JPEG", quality=50), scale=2)
    assert q50.restoring and q50.name == "espcn_restore"
    assert choose_model(encode(Image.fromarray(noisy), "PNG"), scale=2, restore="strong").name == "espcn_restore"
    assert choose_model(encode(photo(96, 96), "PNG"), scale=2).name == zoo.resolve_model("default", 2)[0]
    assert mlcore.list_models()["denoising"] == {"2": "espcn", "3": None, "4": None}
