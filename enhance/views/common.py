from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

import mlcore
from enhance import job_options as options
from enhance import messages, selectors, validation
from enhance.estimates import job_estimate, speed_table, time_left_fields
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


def with_time_left(enhancements: list[Enhancement]) -> list[Enhancement]:
    """Each queued or running job gets ``time_left`` (words, or None), for its status line on the page."""
    fields = time_left_fields(enhancements=[e for e in enhancements if e.is_active])
    for enhancement in enhancements:
        enhancement.time_left = fields.get(enhancement.pk, {}).get("time_left")
    return enhancements


def job_options(request) -> dict:
    """The job settings a form posted, as the services take them (EnhancementError when refused)."""
    return JobOptionsForm(request.POST).options()


def job_form_context(
    width: int,
    height: int,
    *,
    images: list[tuple[int, int]] | None = None,
    enhancement: Enhancement | None = None,
) -> dict:
    """Scales with their output size (and why one is refused), the model choices with the time each takes for
    ``images`` (the one ``width``×``height`` image unless given) at each scale, the restore modes, the size and
    format controls; chosen as ``enhancement`` was (a run again), else the defaults."""
    images = images or [(width, height)]
    chosen = enhancement or Enhancement(scale=options.DEFAULT_SCALE)
    scales = []
    for s in mlcore.SCALES:
        refusal = output_refusal(width, height, s)
        out_width, out_height = output_size(width, height, s)
        scales.append(
            {"value": s, "width": out_width, "height": out_height, "allowed": refusal is None, "refusal": refusal}
        )
    return {
        "scales": scales,
        "models": _timed_models(images, chosen.scale),
        "chosen_scale": chosen.scale,
        "chosen_model": chosen.model_requested,
        "chosen_quality_check": chosen.quality_check,
        "check_degradations": messages.CHECK_DEGRADATION_CHOICES,
        "chosen_check_degradation": chosen.check_degradation,
        "restore_modes": messages.RESTORE_CHOICES,
        "chosen_restore": chosen.restore,
        "fits": messages.FIT_CHOICES,
        "chosen_fit": chosen.fit,
        "chosen_target": (chosen.target_width, chosen.target_height),
        "formats": messages.FORMAT_CHOICES,
        "chosen_format": chosen.output_format,
        "chosen_quality": chosen.output_quality,
        "max_target_side": options.MAX_TARGET_SIDE,
        "image_size": (width, height),
    }


def _timed_models(images: list[tuple[int, int]], scale: int) -> list[dict]:
    """``selectors.enhancement_models`` with each model's label at each of its scales: "Best quality (edsr_lite)
    — about 4 s for this image" (the estimate for every image given, from the zoo's measured speed)."""
    table, pixels = speed_table(), sum(w * h for w, h in images)
    models = []
    for model in selectors.enhancement_models():
        labels = {}
        for s in model["scales"]:
            estimate = job_estimate(model=model["name"], scale=s, output_mp=pixels * s * s / 1e6, table=table)
            if estimate is None:
                labels[s] = model["label"]
                continue
            duration = messages.duration(estimate.seconds)
            template = messages.MODEL_LABEL if len(images) == 1 else messages.MODEL_LABEL_BATCH
            labels[s] = template.format(plain=model["label"], duration=duration, count=len(images))
        models.append({**model, "scale_labels": sorted(labels.items()), "text": labels.get(scale, model["label"])})
    return models


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
