"""Job settings: the page form and the API serializer parse them with the same rules and words, and the
engine's typed errors are worded by ``enhance.messages``."""

import pytest

import mlcore
from enhance import messages
from enhance.forms import JobOptionsForm
from enhance.job_options import check_job, output_refusal
from enhance.serializers import JobOptionsSerializer
from enhance.validation import EnhancementError


def form_result(data: dict):
    try:
        return JobOptionsForm(data).options()
    except EnhancementError as exc:
        return str(exc)


def serializer_result(data: dict):
    serializer = JobOptionsSerializer(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    return next(iter(serializer.errors.values()))[0]


DEFAULTS = {
    "scale": 2,
    "model": "default",
    "quality_check": False,
    "check_degradation": "clean",
    "restore": "auto",
    "fit": "scale",
    "target_width": None,
    "target_height": None,
    "output_format": "png",
    "output_quality": 92,
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, DEFAULTS),
        (
            {"scale": "4", "model": "espcn", "quality_check": "on"},
            {**DEFAULTS, "scale": 4, "model": "espcn", "quality_check": 1},
        ),
        (
            {"scale": "3", "model": "", "quality_check": "off", "restore": "strong"},
            {**DEFAULTS, "scale": 3, "quality_check": 0, "restore": "strong"},
        ),
        ({"model": " espcn "}, {**DEFAULTS, "model": "espcn"}),
        ({"check_degradation": "Noise:10.0"}, {**DEFAULTS, "check_degradation": "noise:10"}),
        (
            {
                "fit": "box",
                "target_width": "1920",
                "target_height": " 1080 ",
                "output_format": "WebP",
                "output_quality": "70",
            },
            {
                **DEFAULTS,
                "fit": "box",
                "target_width": 1920,
                "target_height": 1080,
                "output_format": "webp",
                "output_quality": 70,
            },
        ),
        ({"fit": "", "target_width": "", "output_format": "", "output_quality": ""}, DEFAULTS),
        ({"scale": "5"}, messages.SCALE),
        ({"scale": "two"}, messages.SCALE),
        ({"scale": ""}, messages.SCALE),
        ({"scale": "2.5"}, messages.SCALE),
        ({"quality_check": "maybe"}, messages.QUALITY_CHECK_FLAG),
        ({"restore": "max"}, messages.RESTORE),
        ({"check_degradation": "jpeg"}, messages.CHECK_DEGRADATION),
        ({"fit": "stretch"}, messages.FIT),
        ({"target_width": "0"}, "The target width must be a whole number of pixels from 1 to 65535."),
        ({"target_width": "-5"}, "The target width must be a whole number of pixels from 1 to 65535."),
        ({"target_height": "12.5"}, "The target height must be a whole number of pixels from 1 to 65535."),
        ({"target_height": "65536"}, "The target height must be a whole number of pixels from 1 to 65535."),
        ({"output_format": "gif"}, messages.OUTPUT_FORMAT),
        ({"output_quality": "0"}, messages.OUTPUT_QUALITY),
        ({"output_quality": "101"}, messages.OUTPUT_QUALITY),
        ({"output_quality": "high"}, messages.OUTPUT_QUALITY),
    ],
)
def test_form_and_serializer_parse_job_options_alike(data, expected):
    assert form_result(data) == expected
    assert serializer_result(data) == expected


def test_output_size_rule_words_the_refusal_the_page_shows_and_the_service_raises(settings):
    settings.SRSITE_MAX_OUTPUT_MP = 1
    assert output_refusal(400, 250, 3) is None  # 1200×750 = 0.9 MP
    refusal = output_refusal(400, 300, 4)
    assert refusal == "The result would be 1600×1200 pixels. The maximum is 1 megapixels; choose a smaller scale."
    with pytest.raises(EnhancementError) as exc:
        check_job(width=400, height=300, scale=4, model="bicubic", quality_check=False)
    assert str(exc.value) == refusal


def test_engine_errors_are_worded_from_their_data():
    assert messages.engine_error(mlcore.ScaleError(5)) == "Scale must be one of 2, 3, 4."
    unknown = mlcore.UnknownModelError("vdsr", 2, ["default", "bicubic", "tiny"])
    assert messages.engine_error(unknown) == "Unknown model 'vdsr'. Choose one of: default, bicubic, tiny."
    assert messages.engine_error(mlcore.AnimatedImageError(3)) == (
        "Animated images are not supported. Please upload a still image."
    )
    assert messages.engine_error(mlcore.UndecodableImageError("OSError: truncated")) == (
        "Invalid file type. Please upload a valid image."
    )
