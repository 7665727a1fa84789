"""Reads: a user only ever sees their own enhancements."""

import uuid
from dataclasses import dataclass
from typing import BinaryIO

from django.db.models import QuerySet

import mlcore
from enhance import exports, messages, rendering
from enhance.jobs import fair
from enhance.models import Enhancement


def enhancement_list_for_user(*, user) -> QuerySet[Enhancement]:
    """The user's enhancements, newest first."""
    return Enhancement.objects.filter(owner_id=user.pk).select_related("upload").order_by("-created_at", "-id")


def enhancement_get_for_user(*, user, enhancement_id) -> Enhancement:
    """One of the user's enhancements; ``Enhancement.DoesNotExist`` for anyone else's or none."""
    return enhancement_list_for_user(user=user).get(pk=enhancement_id)


def enhancement_latest_for_user(*, user) -> Enhancement | None:
    return enhancement_list_for_user(user=user).first()


def enhancement_batch_for_user(*, user, batch: uuid.UUID) -> QuerySet[Enhancement]:
    return enhancement_list_for_user(user=user).filter(batch=batch).order_by("id")


def enhancement_queue_position(*, enhancement: Enhancement) -> int | None:
    """1 for the next job a worker takes (by the fair rule: round-robin by user); None unless queued."""
    if enhancement.status != Enhancement.Status.QUEUED:
        return None
    before = fair.jobs_before(enhancement)
    return None if before is None else before + 1


MAX_STATUS_IDS = 100


def enhancement_statuses_for_user(*, user, ids: list[int]) -> list[dict]:
    """The state of several of the user's enhancements at once (unknown or others' ids are left out),
    in ``ids`` order: what a page with many jobs polls with one request."""
    rows = {e.pk: e for e in enhancement_list_for_user(user=user).filter(pk__in=ids[:MAX_STATUS_IDS])}
    return [
        {
            "id": pk,
            "status": rows[pk].status,
            "progress": rows[pk].progress,
            "queue_position": enhancement_queue_position(enhancement=rows[pk]),
        }
        for pk in dict.fromkeys(ids)
        if pk in rows
    ]


def enhancement_models(*, scale: int | None = None) -> list[dict]:
    """The zoo for choosing a model: ``default`` first, then each model for ``scale`` with its hint."""
    zoo = mlcore.list_models()
    defaults = {int(k): v for k, v in zoo["default"].items()}
    choices = []
    for entry in zoo["models"]:
        if scale is None or scale in entry["scales"]:
            hint = entry.get("hint", "")
            # The card's hint starts with the plain words ("Best quality: …", "Fast: …").
            label = f"{hint.split(':')[0]} — {entry['name']}" if ":" in hint else entry["name"]
            choices.append({"name": entry["name"], "label": label, "hint": hint, "scales": entry["scales"]})
    labels = {choice["name"]: choice["label"] for choice in choices}
    resolved = sorted(set(defaults.values()))
    if len(resolved) == 1:
        default_label = f"Default: {labels.get(resolved[0], resolved[0])}"
    else:
        default_label = "Default: " + ", ".join(f"×{s} {name}" for s, name in sorted(defaults.items()))
    default = {"name": "default", "label": default_label, "hint": messages.DEFAULT_MODEL_HINT}
    return [{**default, "default_for": defaults}, *choices]


def model_zoo() -> dict:
    """``mlcore.list_models()`` with numbers per scale, and the scales each model is the default for."""
    zoo = mlcore.list_models()
    defaults = {str(scale): name for scale, name in zoo["default"].items()}
    models = []
    for entry in zoo["models"]:
        params = entry["params"]
        if not isinstance(params, dict):  # bicubic: one number for every scale
            params = {str(scale): params for scale in entry["scales"]}
        default_for = sorted(int(scale) for scale, name in defaults.items() if name == entry["name"])
        models.append(
            {**entry, "params": params, "weights_hash": entry.get("weights_hash", {}), "default_for": default_for}
        )
    return {"models": models, "default": defaults}


@dataclass(frozen=True)
class ResultFile:
    """A finished enhancement's result, ready to send: ``open()`` gives the bytes in the chosen format (or
    the display-sized preview, a WebP)."""

    enhancement: Enhancement
    export: str
    preview: bool = False

    @property
    def filename(self) -> str:
        """``<original-stem>_x<scale>_<model>.<ext>`` (docs/spec.md §2.3); ``…_preview.webp`` for the preview."""
        e = self.enhancement
        stem = f"{e.original_stem}_x{e.scale}_{e.model_resolved}"
        return f"{stem}_preview.webp" if self.preview else f"{stem}.{exports.EXTENSIONS[self.export]}"

    @property
    def content_type(self) -> str:
        return rendering.EXPORT_FORMATS[self.export][1]

    def open(self) -> BinaryIO:
        if self.preview:
            return exports.result_preview(self.enhancement).open("rb")
        return exports.open_export(self.enhancement, self.export)


def enhancement_preview_file(*, enhancement: Enhancement) -> ResultFile | None:
    """The result at display size (made now for a row finished before previews existed); None while there
    is no result."""
    return ResultFile(enhancement, "webp", preview=True) if enhancement.result else None


def enhancement_result_file(*, enhancement: Enhancement, export: str = "png") -> ResultFile | None:
    """The result as PNG, JPEG or WebP; None while there is none or for an unknown format; EnhancementError
    (409) when the result is larger than the format can hold."""
    if export not in rendering.EXPORT_FORMATS or not enhancement.result:
        return None
    exports.check_fits(enhancement, export)
    return ResultFile(enhancement, export)
