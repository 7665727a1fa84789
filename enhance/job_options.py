"""A job's settings (scale, model, quality check, restore): parsed and checked here once, for the page form, the
API serializer and the services alike, with the one output-size rule."""

from django.conf import settings

import mlcore
from enhance import messages
from enhance.validation import EnhancementError

QUALITY_CHECK_MIN_SIDE = 32
DEFAULT_SCALE = 2
DEFAULT_MODEL = "default"
DEFAULT_RESTORE = "auto"
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


def parse_restore(value) -> str:
    """``auto``, ``off`` or ``strong``; left out or blank: ``auto``."""
    if value is None or value == "":
        return DEFAULT_RESTORE
    if value not in mlcore.RESTORE_MODES:
        raise EnhancementError(messages.RESTORE)
    return value


def output_size(width: int, height: int, scale: int) -> tuple[int, int]:
    return width * scale, height * scale


def output_refusal(width: int, height: int, scale: int) -> str | None:
    """The one output-size rule: why ``scale`` is refused for a ``width``×``height`` image, or None."""
    out_width, out_height = output_size(width, height, scale)
    if out_width * out_height > settings.SRSITE_MAX_OUTPUT_MP * 1_000_000:
        return messages.TOO_LARGE_OUTPUT.format(
            width=out_width, height=out_height, max_mp=settings.SRSITE_MAX_OUTPUT_MP
        )
    return None


def check_job(
    *, width: int, height: int, scale, model: str, quality_check: bool, restore: str = DEFAULT_RESTORE
) -> tuple[int, str, str]:
    """Validate the settings for an image (restore mode, scale, model, output size); returns
    ``(scale, resolved_model, weights_hash)``."""
    parse_restore(restore)
    scale = parse_scale(scale)
    try:
        resolved, weights_hash = mlcore.resolve_model(parse_model(model), scale)
    except mlcore.ModelError as exc:
        raise EnhancementError(messages.engine_error(exc)) from None
    if quality_check:
        if min(width, height) < QUALITY_CHECK_MIN_SIDE:
            raise EnhancementError(messages.QUALITY_CHECK_TOO_SMALL.format(min_side=QUALITY_CHECK_MIN_SIDE))
    elif refusal := output_refusal(width, height, scale):
        raise EnhancementError(refusal)
    return scale, resolved, weights_hash
