import numpy as np
import pytest

from mlcore.imaging import imresize, modcrop, resize_weights


@pytest.mark.parametrize("scale", [1 / 4, 1 / 3, 1 / 2, 2, 3, 4])
def test_constant_image_stays_constant(scale):
    img = np.full((24, 36, 3), 173, dtype=np.uint8)
    out = imresize(img, scale)
    assert np.all(out == 173)


@pytest.mark.parametrize(
    ("height", "width", "scale", "expected"),
    [
        (17, 23, 2, (34, 46)),
        (17, 23, 3, (51, 69)),
        (17, 23, 1 / 2, (9, 12)),  # MATLAB rounds the output size up
        (18, 24, 1 / 3, (6, 8)),
        (7, 5, 1 / 4, (2, 2)),
    ],
)
def test_output_size_is_ceil_of_input_times_scale(height, width, scale, expected):
    assert imresize(np.zeros((height, width)), scale).shape == expected


def test_enlarging_reproduces_a_ramp_exactly_away_from_the_edges():
    # The cubic kernel (a = -0.5) reproduces linear functions; only the mirrored edges bend the ramp.
    ramp = np.tile(np.arange(20, dtype=np.float64), (6, 1))
    out = imresize(ramp, 2)
    expected = (np.arange(40) + 0.5) / 2 - 0.5  # output centres mapped back to input coordinates
    assert np.allclose(out[:, 4:-4], expected[4:-4])


def test_shrinking_a_ramp_averages_it():
    ramp = np.tile(np.arange(40, dtype=np.float64), (8, 1))
    out = imresize(ramp, 1 / 2)
    assert np.allclose(out[:, 3:-3], (np.arange(20) * 2 + 0.5)[3:-3])


def test_shrinking_antialiases_while_enlarging_does_not():
    _, enlarge_taps = resize_weights(10, 20, 2.0)
    _, shrink_taps = resize_weights(20, 10, 0.5)
    assert enlarge_taps.shape[1] == 4  # the bare 4-tap cubic (zero columns dropped)
    assert shrink_taps.shape[1] > 4  # a kernel stretched by 1/scale: MATLAB's antialiasing


def test_weights_sum_to_one_and_indices_stay_inside():
    for in_len, out_len, scale in [(9, 3, 1 / 3), (5, 20, 4.0), (13, 26, 2.0)]:
        weights, indices = resize_weights(in_len, out_len, scale)
        assert np.allclose(weights.sum(axis=1), 1.0)
        assert indices.min() >= 0 and indices.max() < in_len


def test_uint8_in_gives_rounded_uint8_out_and_float_stays_float(rng):
    img = rng.integers(0, 256, (15, 11, 3), dtype=np.uint8)
    assert imresize(img, 1 / 3).dtype == np.uint8
    out = imresize(img.astype(np.float64), 3)
    assert out.dtype == np.float64


def test_downscaling_then_enlarging_a_smooth_image_is_close():
    y, x = np.mgrid[0:64, 0:64]
    img = (128 + 60 * np.sin(x / 9) * np.cos(y / 7)).astype(np.float64)
    back = imresize(imresize(img, 1 / 2), 2)
    assert np.abs(back - img)[4:-4, 4:-4].max() < 3


def test_modcrop_crops_to_a_multiple_of_the_scale():
    assert modcrop(np.zeros((101, 77, 3)), 4).shape == (100, 76, 3)
    assert modcrop(np.zeros((12, 9)), 3).shape == (12, 9)
