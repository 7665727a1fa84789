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


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"scale": 2, "model": "default", "quality_check": False, "restore": "auto"}),
        (
            {"scale": "4", "model": "espcn", "quality_check": "on"},
            {"scale": 4, "model": "espcn", "quality_check": 1, "restore": "auto"},
        ),
        (
            {"scale": "3", "model": "", "quality_check": "off", "restore": "strong"},
            {"scale": 3, "model": "default", "quality_check": 0, "restore": "strong"},
        ),
        ({"model": " espcn "}, {"scale": 2, "model": "espcn", "quality_check": False, "restore": "auto"}),
        ({"scale": "5"}, messages.SCALE),
        ({"scale": "two"}, messages.SCALE),
        ({"scale": ""}, messages.SCALE),
        ({"scale": "2.5"}, messages.SCALE),
        ({"quality_check": "maybe"}, messages.QUALITY_CHECK_FLAG),
        ({"restore": "max"}, messages.RESTORE),
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
