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
# The restore control in plain words, like waifu2x's noise level: (mode, label, hint).
RESTORE_CHOICES = [
    ("auto", "Auto", "Clean up JPEG blocks and noise when the photo has them"),
    ("off", "Off", "Keep every detail as it is (for clean PNGs and drawings)"),
    ("strong", "Strong", "Always clean up: for compressed or noisy photos"),
]

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
    "Your storage is full: this would keep {megabytes} MB of uploads; the most is {limit} MB. "
    "Please delete some enhancements first."
)
TOO_MANY_UPLOADS = "Too many uploads (at most {rate}). Please try again in {seconds} seconds."
SIGN_IN_LOCKED = "Too many sign-in attempts. Please wait {minutes} minutes and try again."

# Lookups, the API's own parameters, sign-in, outages.
NOT_FOUND = "Not found."
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
DEFAULT_MODEL_HINT = "The best model shipped for the scale."
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
NOTE_PHOTO_NOISE = "Photo model — noise ≈ {sigma:.0f} detected"
NOTE_CLEAN_OFF = "Clean model — restoration off"
NOTE_CLEAN_FINE_JPEG = "Clean model — JPEG quality ≈ {quality}, no restoration needed"
NOTE_CLEAN = "Clean model — no compression or noise detected"


ECHO_LIMIT = 100


def echo(text: str) -> str:
    """A person's input as quoted back in a message: at most ``ECHO_LIMIT`` characters (a 20 MB model name
    must not come back whole)."""
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"
