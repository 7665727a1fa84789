"""Every sentence the site shows people, in one place (docs/spec.md §3 fixes many of them word for word).

Sentences with numbers or names in them are ``str.format`` templates (``TOO_LARGE_FILE.format(max_mb=25)``).
The engine's typed errors are worded here too (``engine_error``), from the data they carry.
"""

import mlcore

# Uploads (docs/spec.md §3).
NO_FILE = "No file received."
INVALID_IMAGE = "Invalid file type. Please upload a valid image."
ANIMATED = "Animated images are not supported. Please upload a still image."
TOO_LARGE_FILE = "File too large. The maximum size is {max_mb} MB."
TOO_MANY_PIXELS = "Image too large: {width}×{height} pixels. The maximum is {max_mp} megapixels."
TOO_MANY_FILES = "Too many files at once. Please send at most {limit} per upload."
TOO_MANY_FIELDS = "Too many form fields in one request."
BAD_REQUEST = "The request could not be read. Please try again."
SERVER_ERROR = "Something went wrong on our side. Please try again later."

# Job settings.
SCALE = "Scale must be one of 2, 3, 4."
QUALITY_CHECK_FLAG = "quality_check must be true or false."
UNKNOWN_MODEL = "Unknown model '{name}'. Choose one of: {choices}."
TOO_LARGE_OUTPUT = (
    "The result would be {width}×{height} pixels. The maximum is {max_mp} megapixels; choose a smaller scale."
)
QUALITY_CHECK_TOO_SMALL = "The quality check needs an image of at least {min_side}×{min_side} pixels."
RESTORE = "Restore must be one of auto, off, strong."
CHECK_DEGRADATION = (
    "check_degradation must be clean, jpeg:Q (Q from 1 to 100) or noise:S (S from 0 to 100, e.g. noise:10)."
)
# Output size and format, chosen before the run.
FIT = "Fit must be one of scale, width, height, box."
TARGET_SIDE = "The target {side} must be a whole number of pixels from 1 to {max_side}."
# What each fit needs (and what it does not take): the same words for a missing and an extra side.
FIT_NEEDS = {
    "scale": "A target size is used only with fit width, height or box; leave it out to enhance by scale.",
    "width": "Fit to width needs a target width, and no target height.",
    "height": "Fit to height needs a target height, and no target width.",
    "box": "Fit in a box needs a target width and a target height.",
}
TARGET_NOT_LARGER = (
    "The result would be {width}×{height} pixels, no larger than the image ({in_width}×{in_height}); "
    "choose a larger target size."
)
TARGET_PAST_SCALE = (
    "The result would be {width}×{height} pixels, more than ×{max_scale} this image "
    "({in_width}×{in_height}); choose a smaller target size."
)
TOO_LARGE_TARGET = (
    "The result would be {width}×{height} pixels. The maximum is {max_mp} megapixels; choose a smaller target size."
)
TOO_LARGE_FOR_FORMAT = (
    "The result would be {width}×{height} pixels; a {label} image can be at most {max_side} pixels on a side. "
    "Choose PNG or a smaller size."
)
OUTPUT_QUALITY = "Quality must be a whole number from 1 to 100."
# The size control's choices: (fit, label).
FIT_CHOICES = [
    ("scale", "By scale"),
    ("width", "Fit width"),
    ("height", "Fit height"),
    ("box", "Fit in box"),
]
FORMAT_CHOICES = [("png", "PNG (lossless)"), ("jpeg", "JPEG"), ("webp", "WebP")]
# The restore control in plain words, like waifu2x's noise level: (mode, label, hint).
RESTORE_CHOICES = [
    ("auto", "Auto", "Clean up JPEG blocks and noise when the photo has them"),
    ("off", "Off", "Keep every detail as it is (for clean PNGs and drawings)"),
    ("strong", "Strong", "Always clean up: for compressed or noisy photos"),
]

# The quality check's low-resolution input, as `manage.py evaluate --degradation` makes it: (value, label).
CHECK_DEGRADATION_CHOICES = [
    ("clean", "Clean (as downscaled)"),
    ("jpeg:90", "JPEG quality 90"),
    ("jpeg:75", "JPEG quality 75"),
    ("jpeg:50", "JPEG quality 50"),
    ("noise:10", "Noise σ 10"),
]


def degradation_label(value: str) -> str:
    """A check degradation in words: "JPEG quality 60", "Noise σ 7", "Clean (as downscaled)"."""
    kind, _, amount = value.partition(":")
    return (
        dict(CHECK_DEGRADATION_CHOICES).get(value) or {"jpeg": "JPEG quality", "noise": "Noise σ"}[kind] + f" {amount}"
    )


# A job's life.
FAILED = "Error occurred while upscaling the image, please try again!"
CANCELLED = "This enhancement was cancelled."
NOT_QUEUED_YET = "This enhancement has not been queued yet."
ALREADY_QUEUED = "This enhancement has already been queued."
CANCEL_NEEDS_ACTIVE = "Only a queued or running enhancement can be cancelled."
RETRY_NEEDS_ENDED = "Only a failed or cancelled enhancement can be tried again."
CANCEL_DONE = "Cancelled."
RETRY_DONE = "Queued again."
DELETED = "Deleted {name}."
# A batch's overall progress: "5 of 12 done, 1 failed, 2 cancelled".
BATCH_DONE = "{done} of {total} done"
BATCH_ENDED = {"failed": "{n} failed", "cancelled": "{n} cancelled"}
BATCH_ID = "batch must be the id of one of your batches."
NOTHING_FINISHED = "Nothing in this batch has finished yet: the ZIP holds finished results only."
TOO_LARGE_EXPORT = (
    "The result is {width}×{height} pixels; a {label} image can be at most {max_side} pixels on a side. "
    "Please download it as PNG."
)

# Per-user limits and throttles (429, or 413 for storage): what to do next is part of each message.
TOO_MANY_JOBS = (
    "You have {active} jobs queued or running and the most at once is {limit}. Please wait for some to finish."
)
TOO_MANY_MEGAPIXELS = (
    "Your queued jobs would make {megapixels:.0f} megapixels and the most at once is {limit}. "
    "Please wait for some to finish."
)
STORAGE_FULL = (
    "Your storage is full: this would keep {megabytes} MB of images and results; the most is {limit} MB. "
    "Please delete some enhancements first."
)
TOO_MANY_UPLOADS = "Too many uploads (at most {rate}). Please try again in {seconds} seconds."
SIGN_IN_LOCKED = "Too many sign-in attempts. Please wait {minutes} minutes and try again."
RESET_LOCKED = "Too many password reset requests. Please wait {minutes} minutes and try again."
SIGN_UP_LOCKED = "Too many sign-up attempts. Please wait {minutes} minutes and try again."

# Lookups, the API's own parameters, sign-in, outages.
NOT_FOUND = "Not found."
PAGE_NOT_FOUND = "There is nothing at this address, or it is not yours to see."
FORBIDDEN = "You are not allowed to do this."
FORM_EXPIRED = "This form had expired, so nothing was done. Please go back, reload the page and try again."
NO_SUCH_ENHANCEMENT = "No such enhancement."
NO_SUCH_BATCH = "No such batch."
NOT_MADE_YET = "Not made yet."
INVALID_REQUEST = "Invalid request."
NO_ENHANCEMENTS_YET = "You have no enhancements yet."
OUTPUT_FORMAT = "Output must be one of png, jpeg, webp."
DISPLAY_FORMAT = 'Format must be "base64", or left out for the file.'
DISPLAY_SIZE = 'Size must be "preview", or left out for the full image.'
PREVIEW_OUTPUT = "The preview is a WebP image: leave output out, or ask for the full image."
CREDENTIALS = "Username and password are required."
TOKEN_REVOKED = "Token revoked: requests that send it are now refused."
TOKEN_CREATED = "New token created. Any earlier token no longer works."
DEFAULT_MODEL_HINT = (
    "The best model shipped for the scale: {names} (or the photo, JPEG or noise model, as Restore says)."
)
DEFAULT_MODEL_LABEL = "Default: {label}"
# A model in the list: its plain name from the card, and the time the zoo's measured s/MP gives for this image.
MODEL_LABEL = "{plain} — {duration} for this image"
MODEL_LABEL_BATCH = "{plain} — {duration} for these {count} images"

# Time estimates (model cards' measured seconds per megapixel, and the queue ahead).
TIME_LEFT = "{duration} left"
ALMOST_DONE = "almost done"
UNAVAILABLE = "The service is temporarily unavailable. Please try again in a moment."


def engine_error(exc: Exception) -> str:
    """The words for an error the engine raised about an image, a scale or a model."""
    if isinstance(exc, mlcore.AnimatedImageError):
        return ANIMATED
    if isinstance(exc, mlcore.ImageError):
        return INVALID_IMAGE
    if isinstance(exc, mlcore.ScaleError):
        return SCALE
    if isinstance(exc, mlcore.UnknownModelError):
        return UNKNOWN_MODEL.format(name=echo(exc.name), choices=", ".join(exc.choices))
    return FAILED


STATUS_IDS = "ids must be enhancement ids separated by commas, at most {limit}."

# Why `default` became the model it did (the result page and the API's model_note).
NOTE_PHOTO_STRONG = "Photo model — restoration set to strong"
NOTE_PHOTO_JPEG = "Photo model — JPEG quality ≈ {quality} detected"
NOTE_JPEG = "JPEG model — JPEG quality ≈ {quality} detected"
NOTE_PHOTO_NOISE = "Photo model — noise ≈ {sigma:.0f} detected"
NOTE_NOISE = "Noise model — noise ≈ {sigma:.0f} detected"
NOTE_CLEAN_OFF = "Clean model — restoration off"
NOTE_CLEAN_FINE_JPEG = "Clean model — JPEG quality ≈ {quality}, no restoration needed"
NOTE_CLEAN = "Clean model — no compression or noise detected"


def duration(seconds: float) -> str:
    """An estimate in words, rounded as far as an estimate deserves: "about 4 s", "about 25 s", "about 3 min"."""
    if seconds < 1:
        return "under a second"
    if seconds < 10:
        return f"about {round(seconds)} s"
    if seconds < 60:
        return f"about {min(55, 5 * round(seconds / 5))} s"
    if seconds < 3600:
        return f"about {max(1, round(seconds / 60))} min"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"about {hours} h {minutes} min" if minutes else f"about {hours} h"


def time_left(seconds: float | None) -> str | None:
    """ "about 20 s left" for a job's estimate; "almost done" once it has run past it; None without one."""
    if seconds is None:
        return None
    return TIME_LEFT.format(duration=duration(seconds)) if seconds > 0 else ALMOST_DONE


ECHO_LIMIT = 100


def echo(text: str) -> str:
    """A person's input as quoted back in a message: at most ``ECHO_LIMIT`` characters (a 20 MB model name
    must not come back whole)."""
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"
