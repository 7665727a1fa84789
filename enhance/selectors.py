"""Reads: a user only ever sees their own enhancements."""

import math
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from django.db.models import QuerySet

import mlcore
from enhance import exports, messages, rendering
from enhance.estimates import enhancement_seconds_left
from enhance.jobs import fair
from enhance.models import Batch, Enhancement


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


def batch_progress(items: list[Enhancement]) -> dict:
    """A batch's numbers: how many in each state, the overall percent (a finished job counts whole, a running
    one by its progress), the sentence a page shows ("5 of 12 done, 1 failed") and the time until its last
    active job is done (the latest of their estimates; None when nothing is pending or nothing is known)."""
    counts = {state: 0 for state in Enhancement.Status.values}
    for item in items:
        counts[item.status] += 1
    total = len(items)
    worked = sum(100 if item.status in Enhancement.FINISHED else item.progress for item in items)
    parts = [messages.BATCH_DONE.format(done=counts["done"], total=total)]
    parts += [messages.BATCH_ENDED[state].format(n=counts[state]) for state in ("failed", "cancelled") if counts[state]]
    active = [item for item in items if item.is_active]
    known = [s for s in enhancement_seconds_left(enhancements=active).values() if s is not None] if active else []
    seconds = max(known) if known else None
    return {
        "total": total,
        **counts,
        "percent": worked // total if total else 0,
        "text": ", ".join(parts),
        "seconds_left": None if seconds is None else math.ceil(seconds),
        "time_left": messages.time_left(seconds),
    }


def batch_results_for_user(*, user, batch: uuid.UUID) -> list["ResultFile"] | None:
    """Every finished result of one of the user's batches, as PNG, in upload order; None when the user has no
    such batch (someone else's included)."""
    items = list(enhancement_batch_for_user(user=user, batch=batch))
    if not items:
        return None
    return [ResultFile(item, "png") for item in items if item.status == Enhancement.Status.DONE and item.result]


def batch_exists_for_user(*, user, batch: uuid.UUID) -> bool:
    return Batch.objects.filter(pk=batch, owner_id=user.pk).exists()


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
    return [enhancement_status(rows[pk]) for pk in dict.fromkeys(ids) if pk in rows]


def enhancement_status(enhancement: Enhancement) -> dict:
    """One job's live state, as every status answer gives it."""
    return {
        "id": enhancement.pk,
        "status": enhancement.status,
        "progress": enhancement.progress,
        "queue_position": enhancement_queue_position(enhancement=enhancement),
    }


def enhancement_models(*, scale: int | None = None) -> list[dict]:
    """The zoo for choosing a model: ``default`` first (labelled with what it resolves to), then each model for
    ``scale`` in the card's plain words ("Best quality", "Fastest": its hint up to the colon), its name and the
    rest of the hint below."""
    zoo = mlcore.list_models()
    defaults = {int(k): v for k, v in zoo["default"].items()}
    choices = []
    for entry in zoo["models"]:
        if scale is None or scale in entry["scales"]:
            plain, _, rest = entry.get("hint", "").partition(":")
            label, hint = (plain, f"{entry['name']}:{rest}") if rest else (entry["name"], entry.get("hint", ""))
            choices.append({"name": entry["name"], "label": label, "hint": hint, "scales": entry["scales"]})
    labels = {choice["name"]: choice["label"] for choice in choices}
    if len(set(labels.values())) < len(labels):  # two cards with the same plain words: their names tell them apart
        for choice in choices:
            choice["label"] = f"{choice['label']} ({choice['name']})"
        labels = {choice["name"]: choice["label"] for choice in choices}
    resolved = sorted(set(defaults.values()))
    if len(resolved) == 1:
        default_label = messages.DEFAULT_MODEL_LABEL.format(label=labels.get(resolved[0], resolved[0]))
    else:
        default_label = messages.DEFAULT_MODEL_LABEL.format(
            label=", ".join(f"×{s} {labels.get(name, name)}" for s, name in sorted(defaults.items()))
        )
    default_hint = messages.DEFAULT_MODEL_HINT.format(names=", ".join(resolved))
    default = {"name": "default", "label": default_label, "hint": default_hint, "scales": list(defaults)}
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
        """``<original-stem>_x<scale>_<model>.<ext>``, or ``<original-stem>_<W>x<H>_<model>.<ext>`` for a target
        size (docs/spec.md §2.3); ``…_preview.webp`` for the preview."""
        e = self.enhancement
        size = f"x{e.scale}" if e.planned_size is None else "{}x{}".format(*e.output_size)
        stem = f"{e.original_stem}_{size}_{e.model_resolved}"
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


def enhancement_result_file(*, enhancement: Enhancement, export: str | None = None) -> ResultFile | None:
    """The result as PNG, JPEG or WebP (None: the format the job chose); None while there is none or for an
    unknown format; EnhancementError (409) when the result is larger than the format can hold."""
    export = export or enhancement.output_format
    if export not in rendering.EXPORT_FORMATS or not enhancement.result:
        return None
    exports.check_fits(enhancement, export)
    return ResultFile(enhancement, export)
