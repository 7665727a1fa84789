from django.conf import settings
from django.http import Http404

import mlcore
from enhance import selectors, validation
from enhance.models import Enhancement


def own_enhancement(request, pk) -> Enhancement:
    """The signed-in user's enhancement, or a 404 (never a 403: no hint that someone else's exists)."""
    try:
        return selectors.enhancement_get_for_user(user=request.user, enhancement_id=pk)
    except Enhancement.DoesNotExist:
        raise Http404("No such enhancement.") from None


# The restore control in plain words, like waifu2x's noise level.
RESTORE_CHOICES = [
    ("auto", "Auto", "Clean up JPEG blocks and noise when the photo has them"),
    ("off", "Off", "Keep every detail as it is (for clean PNGs and drawings)"),
    ("strong", "Strong", "Always clean up: for compressed or noisy photos"),
]


def job_options(request) -> dict:
    """The job settings a form posted, as the services take them."""
    return {
        "scale": request.POST.get("scale", "2"),
        "model": request.POST.get("model", "default") or "default",
        "quality_check": request.POST.get("quality_check") in ("on", "true", "1"),
        "restore": request.POST.get("restore", "auto") or "auto",
    }


def job_form_context(width: int, height: int, *, scale: int = 2, model: str = "default", restore: str = "auto") -> dict:
    """Scales with their output size (and whether it is allowed) and the model choices."""
    limit = settings.SRSITE_MAX_OUTPUT_MP * 1_000_000
    scales = [
        {
            "value": s,
            "width": width * s,
            "height": height * s,
            "allowed": width * s * height * s <= limit,
            "refusal": validation.too_large_output_message(width * s, height * s),
        }
        for s in mlcore.SCALES
    ]
    return {
        "scales": scales,
        "models": selectors.enhancement_models(),
        "chosen_scale": scale,
        "chosen_model": model,
        "restore_modes": RESTORE_CHOICES,
        "chosen_restore": restore,
    }


def client_rules() -> dict:
    """The limits and the server's words, for the browser's own check before uploading."""
    return {
        "maxBytes": validation.max_upload_bytes(),
        "maxInputMP": settings.SRSITE_MAX_INPUT_MP,
        "messages": {
            "noFile": validation.NO_FILE_MESSAGE,
            "invalid": mlcore.INVALID_IMAGE_MESSAGE,
            "tooLarge": validation.too_large_file_message(),
            "tooManyPixels": validation.too_many_pixels_message(0, 0).replace("0×0", "{w}×{h}"),
            "animated": mlcore.ANIMATED_MESSAGE,
        },
    }
