from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

import mlcore
from enhance import messages, selectors, validation
from enhance.forms import JobOptionsForm
from enhance.job_options import output_refusal, output_size
from enhance.models import Enhancement


def own_enhancement(request, pk) -> Enhancement:
    """The signed-in user's enhancement, or a 404 (never a 403: no hint that someone else's exists)."""
    try:
        return selectors.enhancement_get_for_user(user=request.user, enhancement_id=pk)
    except Enhancement.DoesNotExist:
        raise Http404(messages.NO_SUCH_ENHANCEMENT) from None


def came_from(request, default: str) -> str:
    """The page of this site the person came from (its path and query, from the Referer header), for a "go
    back" link; ``default`` when there is none, it is this page itself, or it or the path in it could lead
    to another site (no open redirect: "//evil.example/" is a path to a browser, not to this site)."""

    def safe(url: str) -> bool:
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    referer = request.headers.get("Referer", "")
    if not referer or not safe(referer):  # also refuses what urlsplit cannot read ("http://[")
        return default
    parts = urlsplit(referer)
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    if not back.startswith("/") or not safe(back) or parts.path == request.path:
        return default
    return back


def job_options(request) -> dict:
    """The job settings a form posted, as the services take them (EnhancementError when refused)."""
    return JobOptionsForm(request.POST).options()


def job_form_context(
    width: int,
    height: int,
    *,
    scale: int = 2,
    model: str = "default",
    restore: str = "auto",
    quality_check: bool = False,
) -> dict:
    """Scales with their output size (and why one is refused), the model choices and the restore modes."""
    scales = []
    for s in mlcore.SCALES:
        refusal = output_refusal(width, height, s)
        out_width, out_height = output_size(width, height, s)
        scales.append(
            {"value": s, "width": out_width, "height": out_height, "allowed": refusal is None, "refusal": refusal}
        )
    return {
        "scales": scales,
        "models": selectors.enhancement_models(),
        "chosen_scale": scale,
        "chosen_model": model,
        "chosen_quality_check": quality_check,
        "restore_modes": messages.RESTORE_CHOICES,
        "chosen_restore": restore,
    }


def client_rules() -> dict:
    """The limits and the server's words, for the browser's own check before uploading."""
    return {
        "maxBytes": validation.max_upload_bytes(),
        "maxInputMP": settings.SRSITE_MAX_INPUT_MP,
        "messages": {
            "noFile": messages.NO_FILE,
            "invalid": messages.INVALID_IMAGE,
            "tooLarge": messages.TOO_LARGE_FILE.format(max_mb=settings.SRSITE_MAX_UPLOAD_MB),
            "tooManyPixels": messages.TOO_MANY_PIXELS.format(
                width="{w}", height="{h}", max_mp=settings.SRSITE_MAX_INPUT_MP
            ),
            "animated": messages.ANIMATED,
        },
    }
