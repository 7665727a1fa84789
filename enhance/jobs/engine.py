"""The engine adapter: one enhancement's original through ``mlcore`` to a result image and its metrics."""

from collections.abc import Callable

from django.conf import settings
from PIL import Image

import mlcore
from enhance import rendering
from enhance.models import Enhancement


def prepare() -> str:
    """The device jobs run on; torch's thread count set once per process (RQ may run jobs in a fork)."""
    if settings.SRSITE_TORCH_THREADS:
        import torch  # only workers pay for it

        torch.set_num_threads(settings.SRSITE_TORCH_THREADS)
    return mlcore.resolve_device(settings.SRSITE_DEVICE)


def render(enhancement: Enhancement, *, model: str, device: str, on_progress: Callable[[int, int], None]):
    """The result image, and the quality check's PSNR/SSIM fields (empty unless asked for)."""
    with enhancement.original.open("rb") as file, Image.open(file) as image:
        image.load()
        options = {"scale": enhancement.scale, "model": model, "device": device, "on_progress": on_progress}
        if enhancement.quality_check:
            return rendering.quality_check(image, **options)
        return rendering.upscale(image, **options), {}


def resolve(enhancement: Enhancement) -> tuple[str, str]:
    """The model that runs (``default`` named) and its weights hash, as the result records them."""
    return mlcore.resolve_model(enhancement.model_requested, enhancement.scale)
