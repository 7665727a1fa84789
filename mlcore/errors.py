"""Errors the engine raises, typed and carrying their data (names, scales, frame counts).

Their ``str()`` is a plain description for logs and the command line; the web layer words them for
people itself, from the data, so the engine owns no site wording.
"""

SCALES = (2, 3, 4)


class ImageError(ValueError):
    """The image cannot be processed."""


class AnimatedImageError(ImageError):
    def __init__(self, frames: int):
        super().__init__(f"Animated image ({frames} frames); only still images can be upscaled.")
        self.frames = frames


class UndecodableImageError(ImageError):
    def __init__(self, cause: str):
        super().__init__(f"Not a decodable image: {cause}")
        self.cause = cause


class ModelError(ValueError):
    """Unknown model or scale, or weights that are missing or corrupt."""


class ScaleError(ModelError):
    def __init__(self, scale):
        super().__init__(f"Scale {scale!r} is not one of {', '.join(map(str, SCALES))}.")
        self.scale = scale
        self.scales = SCALES


class UnknownModelError(ModelError):
    def __init__(self, name: str, scale: int, choices: list[str]):
        super().__init__(f"Unknown model '{name}' at ×{scale}; the zoo has {', '.join(choices)}.")
        self.name = name
        self.scale = scale
        self.choices = choices


class DegradationError(ValueError):
    """A degradation name that is not ``clean``, ``jpeg:Q`` (1–100) or ``noise:S`` (0 < σ ≤ 100)."""

    def __init__(self, text: str):
        super().__init__(f"Unknown degradation {text!r}; use clean, jpeg:Q (1–100) or noise:S (e.g. noise:10).")
        self.text = text
