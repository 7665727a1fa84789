"""Errors the engine raises for bad input; their messages are SPEC §3's words, shown to people."""


class ImageError(ValueError):
    """The image cannot be processed (animated, undecodable, …)."""


class ModelError(ValueError):
    """Unknown model or scale, or weights that are missing or corrupt."""


ANIMATED_MESSAGE = "Animated images are not supported. Please upload a still image."
INVALID_IMAGE_MESSAGE = "Invalid file type. Please upload a valid image."
SCALES = (2, 3, 4)
SCALE_MESSAGE = "Scale must be one of 2, 3, 4."
