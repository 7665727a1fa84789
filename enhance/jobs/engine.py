"""The engine adapter: one enhancement's original through ``mlcore`` to a result image and its metrics."""

from collections.abc import Callable

from django.conf import settings

import mlcore
from enhance import rendering
from enhance.models import Enhancement


def prepare() -> str:
    """The device jobs run on; torch's thread count set once per process (RQ may run jobs in a fork)."""
    if settings.SRSITE_TORCH_THREADS:
        import torch  # only workers pay for it

        torch.set_num_threads(settings.SRSITE_TORCH_THREADS)
    return mlcore.resolve_device(settings.SRSITE_DEVICE)


def render(
    enhancement: Enhancement,
    *,
    device: str,
    on_choice: Callable[[dict], None],
    on_progress: Callable[[int, int], None],
):
    """The result image, and the quality check's PSNR/SSIM fields (empty unless asked for).

    ``on_choice`` gets the model chosen and why, as row fields, before the engine runs.
    """
    with enhancement.original.open("rb") as file:
        image, _ = mlcore.open_image(file)  # the decode the upload was checked with; a JPEG keeps its tables
    choice = mlcore.choose_model(
        image, scale=enhancement.scale, model=enhancement.model_requested, restore=enhancement.restore
    )
    inspection = choice.inspection
    on_choice(
        {
            "model_resolved": choice.name,
            "weights_hash": choice.weights_hash,
            "route": choice.route,
            "jpeg_quality": inspection.jpeg_quality if inspection else None,
            "noise_sigma": inspection.noise_sigma if inspection else None,
        }
    )
    options = {
        "scale": enhancement.scale,
        "model": choice.name,
        "device": device,
        "on_progress": on_progress,
        "size": enhancement.planned_size,  # a target size: the upscale resized down to it
    }
    if enhancement.quality_check:
        return rendering.quality_check(
            image,
            **options,
            degradation=enhancement.check_degradation,
            requested=enhancement.model_requested,
            restore=enhancement.restore,
        )
    return rendering.upscale(image, **options), {}
