"""Errors the engine raises for bad input; their messages are SPEC §3's words, shown to people."""


class ImageError(ValueError):
    """The image cannot be processed (animated, undecodable, …)."""


class ModelError(ValueError):
    """Unknown model or scale, or weights that are missing or corrupt."""


ANIMATED_MESSAGE = "Animated images are not supported. Please upload a still image."
INVALID_IMAGE_MESSAGE = "Invalid file type. Please upload a valid image."
SCALES = (2, 3, 4)
SCALE_MESSAGE = "Scale must be one of 2, 3, 4."
ECHO_LIMIT = 100


def echo(text: str) -> str:
    """A person's input as quoted back in a message: at most ``ECHO_LIMIT`` characters (a 20 MB model name
    must not come back whole)."""
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"
