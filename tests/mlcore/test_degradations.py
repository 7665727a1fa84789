"""The degradation pipeline: aligned LR sizes, real JPEG, seeded determinism, the clean share."""

import numpy as np
import pytest

import mlcore
from mlcore.data import DegradingSampler, Pair, degrade_pairs
from mlcore.degradations import Degradation, Realistic, apply, gaussian_kernel, parse
from mlcore.imaging import imresize
from mlcore.restoration import jpeg_quality

from .conftest import photo

HR = np.asarray(photo(96, 72))


@pytest.mark.parametrize("scale", [2, 3, 4])
@pytest.mark.parametrize("resize", ["bicubic", "bilinear", "area"])
def test_every_resize_gives_the_aligned_lr_size(scale, resize):
    lr = apply(HR, scale, Degradation(blur=(1.0, 2.0, 0.5), resize=resize, noise=5, jpeg=60, seed=3))
    assert lr.size == (96 // scale, 72 // scale) and lr.mode == "RGB"


def test_clean_is_exactly_the_matlab_bicubic():
    assert np.array_equal(np.asarray(apply(HR, 2, Degradation())), imresize(HR, 1 / 2))


def test_jpeg_is_a_real_libjpeg_round_trip_with_readable_tables():
    lr = apply(HR, 2, Degradation(jpeg=40))
    assert lr.format == "JPEG" and jpeg_quality(lr) == 40
    assert not np.array_equal(np.asarray(lr), imresize(HR, 1 / 2))


def test_noise_is_seeded_and_luma_noise_is_the_same_on_each_channel():
    a, b = (np.asarray(apply(HR, 2, Degradation(noise=8, seed=5))).astype(int) for _ in range(2))
    assert np.array_equal(a, b)
    c = np.asarray(apply(HR, 2, Degradation(noise=8, seed=6))).astype(int)
    assert not np.array_equal(a, c)
    clean = imresize(HR, 1 / 2).astype(int)
    gray = np.asarray(apply(HR, 2, Degradation(noise=8, noise_gray=True, seed=5))).astype(int) - clean
    away_from_clipping = (clean > 40).all(axis=2) & (clean < 215).all(axis=2)
    assert np.array_equal(gray[..., 0][away_from_clipping], gray[..., 1][away_from_clipping])
    assert 6 < (a - clean).std() < 10


def test_blur_kernel_is_normalised_and_rotates():
    k = gaussian_kernel(2.0, 0.5, 0.0)
    assert k.sum() == pytest.approx(1.0) and k.shape == (13, 13)
    assert np.allclose(gaussian_kernel(2.0, 0.5, np.pi / 2), k.T)


def test_realistic_draws_are_deterministic_and_keep_a_clean_share():
    pipeline = Realistic()
    draws = [pipeline.sample(np.random.default_rng(7), 4) for _ in range(2)]
    assert draws[0] == draws[1]
    rng = np.random.default_rng(0)
    many = [pipeline.sample(rng, 2) for _ in range(2000)]
    clean = sum(d.describe() == "clean" for d in many) / len(many)
    assert 0.15 < clean < 0.3
    qualities = [d.jpeg for d in many if d.jpeg]
    assert min(qualities) >= 30 and max(qualities) <= 95
    assert max(d.noise for d in many) <= 10 and {d.resize for d in many} == {"bicubic", "bilinear", "area"}


def test_parse_names_and_refuses_nonsense():
    assert parse("jpeg:75") == Degradation(jpeg=75)
    assert parse("noise:10") == Degradation(noise=10.0)
    assert parse("clean") == Degradation()
    for bad in ("jpeg:0", "jpeg:x", "blur:2", "noise:-1", "clean:1"):
        with pytest.raises(ValueError, match="Unknown degradation"):
            parse(bad)


def test_sampler_batches_are_paired_shapes_and_seeded():
    hrs = [np.asarray(photo(80, 64, seed=i)) for i in range(2)]
    pairs = [Pair(f"p{i}", imresize(hr, 1 / 2), hr) for i, hr in enumerate(hrs)]
    batches = [DegradingSampler(pairs, 2, 16, "y", seed=1, pipeline=Realistic()).batch(4) for _ in range(2)]
    lr, hr = batches[0]
    assert lr.shape == (4, 1, 16, 16) and hr.shape == (4, 1, 32, 32) and lr.dtype == np.float32
    assert np.array_equal(batches[0][0], batches[1][0])


def test_validation_pairs_get_one_fixed_degradation_each():
    hr = np.asarray(photo(64, 48))
    pairs = [Pair("a", imresize(hr, 1 / 2), hr), Pair("b", imresize(hr, 1 / 2), hr)]
    once, twice = degrade_pairs(pairs, 2, Realistic(), seed=0), degrade_pairs(pairs, 2, Realistic(), seed=0)
    assert all(np.array_equal(x.lr, y.lr) for x, y in zip(once, twice, strict=True))
    assert once[0].lr.shape == (24, 32, 3) and once[0].hr is hr


def test_public_degrade_makes_the_evaluate_lr_from_a_pil_image():
    image = photo(96, 72)
    assert np.array_equal(np.asarray(mlcore.degrade(image, scale=2)), np.asarray(mlcore.downscale(image, 2)))
    jpeg = mlcore.degrade(image, scale=3, degradation="jpeg:50")
    assert jpeg.size == (32, 24) and jpeg_quality(jpeg) == 50
    noisy = [np.asarray(mlcore.degrade(image.convert("L"), scale=2, degradation="noise:10")) for _ in range(2)]
    assert noisy[0].shape == (36, 48) and np.array_equal(*noisy)  # gray stays gray; the check is reproducible
    assert np.array_equal(noisy[0], np.asarray(apply(np.asarray(image.convert("L")), 2, parse("noise:10"))))


@pytest.mark.parametrize(("text", "name"), [("clean", "clean"), (" JPEG:075 ", "jpeg:75"), ("noise:10.0", "noise:10")])
def test_parse_degradation_gives_the_canonical_name(text, name):
    assert mlcore.parse_degradation(text) == name


@pytest.mark.parametrize("text", ["blur:2", "jpeg:0", "jpeg:101", "noise:0", "noise:x", "", "clean:1"])
def test_parse_degradation_refuses_with_a_typed_error(text):
    with pytest.raises(mlcore.DegradationError) as caught:
        mlcore.parse_degradation(text)
    assert caught.value.text == text.strip().lower()


def test_the_jpeg_pipelines_draw_the_qualities_they_are_meant_to():
    from mlcore.degradations import PIPELINES
    from mlcore.restoration import HEAVY_JPEG_QUALITY, JPEG_QUALITY_THRESHOLD, LOW_JPEG_QUALITY

    rng = np.random.default_rng(0)
    # jpeg and jpeg_plain: every quality auto sends a restoring model (the JPEG model's ≤ 82 among them);
    # jpeg_heavy: the JPEG model's qualities when it was tried (≤ 78); the ×2 ladder: each model's qualities inside
    # its range (the JPEG model's 61–90 in jpeg_mid, the low-quality one's ≤ 60 in jpeg_low)
    ranges = {"jpeg": (30, JPEG_QUALITY_THRESHOLD), "jpeg_plain": (30, JPEG_QUALITY_THRESHOLD), "jpeg_heavy": (30, 78)}
    ranges |= {"jpeg_mid": (55, HEAVY_JPEG_QUALITY[2]), "jpeg_low": (30, 70)}
    for name, (bottom, top) in ranges.items():
        many = [PIPELINES[name].sample(rng, 3) for _ in range(1000)]
        qualities = [d.jpeg for d in many if d.jpeg]
        assert min(qualities) == bottom and max(qualities) == top, name
        if name != "jpeg":
            assert all(d.jpeg for d in many), name  # every sample compressed, none clean
    assert max(HEAVY_JPEG_QUALITY.values()) <= JPEG_QUALITY_THRESHOLD
    # where the two ×2 JPEG models meet lies inside both their training ranges
    assert PIPELINES["jpeg_mid"].jpeg_quality[0] < LOW_JPEG_QUALITY < PIPELINES["jpeg_low"].jpeg_quality[1]


def test_the_plain_jpeg_pipeline_is_mostly_plain_bicubic_downscales():
    from mlcore.degradations import PIPELINES

    def plain_share(name: str) -> float:
        rng = np.random.default_rng(0)
        many = [PIPELINES[name].sample(rng, 2) for _ in range(2000)]
        return np.mean([d.blur is None and d.resize == "bicubic" and not d.noise for d in many])

    assert 0.58 < plain_share("jpeg_plain") < 0.72  # 0.9 × 0.8 × 0.9 ≈ 0.65
    assert 0.38 < plain_share("jpeg") < 0.50  # 0.05 + 0.95 × 0.8 × 0.6 × 0.85 ≈ 0.44


def test_the_plain_noisy_pipeline_is_mostly_bicubic_downscales_under_the_noise():
    from mlcore.degradations import PIPELINES

    def shares(name: str) -> tuple[float, float]:
        rng = np.random.default_rng(0)
        many = [PIPELINES[name].sample(rng, 2) for _ in range(2000)]
        noisy = [d for d in many if d.noise]
        return len(noisy) / len(many), np.mean([d.blur is None and d.resize == "bicubic" for d in noisy])

    (noisy_plain, bicubic_plain), (noisy, bicubic) = shares("noisy_plain"), shares("noisy")
    assert 0.86 < noisy_plain < 0.94 and 0.86 < noisy < 0.94  # the clean share (10 %) is the same
    assert 0.66 < bicubic_plain < 0.78  # 0.9 × 0.8 ≈ 0.72 of the noisy samples
    assert 0.48 < bicubic < 0.60  # 0.9 × 0.6 ≈ 0.54
    mixed, bicubic_mixed = shares("noisy_mixed")  # "noisy_plain" with three times the clean share
    assert 0.66 < mixed < 0.74 and 0.66 < bicubic_mixed < 0.78
