"""A job's settings (scale or target size, model, quality check, restore, output format and quality): parsed and
checked here once, for the page form, the API serializer and the services alike, with the one output-size rule."""

from typing import TypedDict

from django.conf import settings

import mlcore
from enhance import messages, rendering
from enhance.validation import EnhancementError

QUALITY_CHECK_MIN_SIDE = 32
DEFAULT_SCALE = 2
DEFAULT_MODEL = "default"
DEFAULT_RESTORE = "auto"
DEFAULT_CHECK_DEGRADATION = "clean"
FITS = tuple(fit for fit, _ in messages.FIT_CHOICES)
DEFAULT_FIT = FITS[0]  # scale
OUTPUT_FORMATS = tuple(rendering.EXPORT_FORMATS)
DEFAULT_OUTPUT_FORMAT = OUTPUT_FORMATS[0]  # png
MAX_TARGET_SIDE = rendering.EXPORT_MAX_SIDE["jpeg"]  # 65535: any larger side is over the pixel limit anyway


class JobOptions(TypedDict, total=False):
    """The settings a form or the API sends, as ``check_job`` takes them (each left out: its default)."""

    scale: int
    model: str
    quality_check: bool
    check_degradation: str
    restore: str
    fit: str
    target_width: int | None
    target_height: int | None
    output_format: str
    output_quality: int


_TRUE = {"true", "t", "on", "1", "yes", "y"}
_FALSE = {"false", "f", "off", "0", "no", "n", ""}


def parse_scale(value) -> int:
    """2, 3 or 4 from a number or its text (what a form or JSON sends); left out: 2."""
    if value is None:
        return DEFAULT_SCALE
    if isinstance(value, bool):
        raise EnhancementError(messages.SCALE)
    try:
        scale = int(value)
    except (TypeError, ValueError):
        raise EnhancementError(messages.SCALE) from None
    if scale not in mlcore.SCALES or str(value).strip() not in {str(scale), f"{scale}.0"}:
        raise EnhancementError(messages.SCALE)
    return scale


def parse_model(value) -> str:
    """A model name as sent, trimmed; left out or blank: ``default`` (whether it exists is checked with the image)."""
    name = "" if value is None else str(value).strip()
    return name or DEFAULT_MODEL


def parse_quality_check(value) -> bool:
    """A checkbox (``on`` or absent) or a JSON/form boolean."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise EnhancementError(messages.QUALITY_CHECK_FLAG)


def parse_check_degradation(value) -> str:
    """What the quality check does to the shrunk image before restoring it, as ``evaluate --degradation``:
    ``clean`` (left out or blank), ``jpeg:Q`` or ``noise:S``; returned in its canonical spelling."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_CHECK_DEGRADATION
    if isinstance(value, bool) or len(str(value)) > 20:
        raise EnhancementError(messages.CHECK_DEGRADATION)
    try:
        return mlcore.parse_degradation(value)
    except mlcore.DegradationError:
        raise EnhancementError(messages.CHECK_DEGRADATION) from None


def parse_restore(value) -> str:
    """``auto``, ``off`` or ``strong``; left out or blank: ``auto``."""
    if value is None or value == "":
        return DEFAULT_RESTORE
    if value not in mlcore.RESTORE_MODES:
        raise EnhancementError(messages.RESTORE)
    return value


def _parse_choice(value, choices: tuple[str, ...], message: str) -> str:
    # Trimmed, any case; left out or blank: the first choice.
    text = "" if value is None else str(value).strip().lower()
    if text and text not in choices:
        raise EnhancementError(message)
    return text or choices[0]


def parse_fit(value) -> str:
    """``scale`` (the default: ×2/×3/×4), or a target size: ``width``, ``height`` or ``box`` (fit inside)."""
    return _parse_choice(value, FITS, messages.FIT)


def _parse_side(value, side: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_TARGET_SIDE:
        raise EnhancementError(messages.TARGET_SIDE.format(side=side, max_side=MAX_TARGET_SIDE))
    return int(text)


def parse_target_width(value) -> int | None:
    """Pixels, or None when left out."""
    return _parse_side(value, "width")


def parse_target_height(value) -> int | None:
    """Pixels, or None when left out."""
    return _parse_side(value, "height")


def parse_output_format(value) -> str:
    """``png`` (the default), ``jpeg`` or ``webp``: the result's download format."""
    return _parse_choice(value, OUTPUT_FORMATS, messages.OUTPUT_FORMAT)


def parse_output_quality(value) -> int:
    """1–100 for JPEG and WebP (PNG is lossless and ignores it); left out: 92."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return rendering.DEFAULT_QUALITY
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 100:
        raise EnhancementError(messages.OUTPUT_QUALITY)
    return int(text)


def output_size(width: int, height: int, scale: int) -> tuple[int, int]:
    return width * scale, height * scale


def _ratio(side: int, target: int, of: int) -> int:
    # side × target / of, rounded half up, at least 1 pixel.
    return max(1, (2 * side * target + of) // (2 * of))


def fitted_size(width: int, height: int, *, fit: str, target_width: int | None, target_height: int | None):
    """The result size a target asks of a ``width``×``height`` image, keeping its aspect; None for ``scale``."""
    if fit == "width" or (fit == "box" and target_width * height <= target_height * width):
        return target_width, _ratio(height, target_width, width)
    if fit in ("height", "box"):
        return _ratio(width, target_height, height), target_height
    return None


def plan_size(
    width: int,
    height: int,
    *,
    scale,
    fit: str = DEFAULT_FIT,
    target_width: int | None = None,
    target_height: int | None = None,
) -> tuple[int, tuple[int, int]]:
    """``(model scale, final size)`` for an image: the scale asked for, or for a target the smallest scale
    whose upscale reaches it (the result is then resized down to it). EnhancementError when the target is
    incomplete, not larger than the image or past ×4; the output-size rule applies to the final size."""
    if fit == DEFAULT_FIT:
        if target_width is not None or target_height is not None:
            raise EnhancementError(messages.FIT_NEEDS[fit])
        scale = parse_scale(scale)
        if refusal := output_refusal(width, height, scale):
            raise EnhancementError(refusal)
        return scale, output_size(width, height, scale)
    needs = {"width": (True, False), "height": (False, True), "box": (True, True)}[fit]
    if needs != (target_width is not None, target_height is not None):
        raise EnhancementError(messages.FIT_NEEDS[fit])
    final = fitted_size(width, height, fit=fit, target_width=target_width, target_height=target_height)
    words = {"width": final[0], "height": final[1], "in_width": width, "in_height": height}
    if final[0] <= width and final[1] <= height:
        raise EnhancementError(messages.TARGET_NOT_LARGER.format(**words))
    reaching = [s for s in mlcore.SCALES if width * s >= final[0] and height * s >= final[1]]
    if not reaching:
        raise EnhancementError(messages.TARGET_PAST_SCALE.format(max_scale=max(mlcore.SCALES), **words))
    if refusal := output_refusal(*final, 1, message=messages.TOO_LARGE_TARGET):
        raise EnhancementError(refusal)
    return reaching[0], final


def output_refusal(width: int, height: int, scale: int, *, message: str = messages.TOO_LARGE_OUTPUT) -> str | None:
    """The one output-size rule: why ``scale`` is refused for a ``width``×``height`` image, or None."""
    out_width, out_height = output_size(width, height, scale)
    if out_width * out_height > settings.SRSITE_MAX_OUTPUT_MP * 1_000_000:
        return message.format(width=out_width, height=out_height, max_mp=settings.SRSITE_MAX_OUTPUT_MP)
    return None


def format_refusal(size: tuple[int, int], output_format: str) -> str | None:
    """Why a result of ``size`` cannot be written as ``output_format`` (WebP's and JPEG's largest side)."""
    max_side = rendering.EXPORT_MAX_SIDE[output_format]
    if max(size) > max_side:
        label = rendering.EXPORT_LABELS[output_format]
        return messages.TOO_LARGE_FOR_FORMAT.format(width=size[0], height=size[1], label=label, max_side=max_side)
    return None


def check_job(
    *,
    width: int,
    height: int,
    scale=DEFAULT_SCALE,
    model: str = DEFAULT_MODEL,
    quality_check: bool = False,
    check_degradation: str = DEFAULT_CHECK_DEGRADATION,
    restore: str = DEFAULT_RESTORE,
    fit: str = DEFAULT_FIT,
    target_width: int | None = None,
    target_height: int | None = None,
    output_format: str = DEFAULT_OUTPUT_FORMAT,
    output_quality: int = rendering.DEFAULT_QUALITY,
) -> dict:
    """Validate the settings for an image (restore mode, size, model, output size and format); returns them
    as the enhancement's fields, with the model scale chosen and the model resolved."""
    parse_restore(restore)
    fit, output_format = parse_fit(fit), parse_output_format(output_format)
    targets = {"target_width": parse_target_width(target_width), "target_height": parse_target_height(target_height)}
    scale, final = plan_size(width, height, scale=scale, fit=fit, **targets)  # the quality check makes it too
    try:
        resolved, weights_hash = mlcore.resolve_model(parse_model(model), scale)
    except mlcore.ModelError as exc:
        raise EnhancementError(messages.engine_error(exc)) from None
    if quality_check and min(width, height) < QUALITY_CHECK_MIN_SIDE:
        raise EnhancementError(messages.QUALITY_CHECK_TOO_SMALL.format(min_side=QUALITY_CHECK_MIN_SIDE))
    if refusal := format_refusal(final, output_format):
        raise EnhancementError(refusal)
    return {
        "scale": scale,
        "model_requested": parse_model(model),
        "model_resolved": resolved,
        "weights_hash": weights_hash,
        "quality_check": quality_check,
        "check_degradation": parse_check_degradation(check_degradation),
        "restore": restore,
        "fit": fit,
        **targets,
        "output_format": output_format,
        "output_quality": parse_output_quality(output_quality),
    }
