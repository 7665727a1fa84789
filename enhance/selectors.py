"""Reads: a user only ever sees their own enhancements."""

import uuid

from django.db.models import QuerySet

from enhance.models import Enhancement


def enhancement_list_for_user(*, user) -> QuerySet[Enhancement]:
    """The user's enhancements, newest first."""
    return Enhancement.objects.filter(owner_id=user.pk).order_by("-created_at", "-id")


def enhancement_get_for_user(*, user, enhancement_id) -> Enhancement:
    """One of the user's enhancements; ``Enhancement.DoesNotExist`` for anyone else's or none."""
    return enhancement_list_for_user(user=user).get(pk=enhancement_id)


def enhancement_latest_for_user(*, user) -> Enhancement | None:
    return enhancement_list_for_user(user=user).first()


def enhancement_batch_for_user(*, user, batch: uuid.UUID) -> QuerySet[Enhancement]:
    return enhancement_list_for_user(user=user).filter(batch=batch).order_by("id")


def enhancement_queue_position(*, enhancement: Enhancement) -> int | None:
    """1 for the next job a worker takes; None unless the enhancement is queued."""
    if enhancement.status != Enhancement.Status.QUEUED:
        return None
    ahead = Enhancement.objects.filter(status=Enhancement.Status.QUEUED, queued_at__lt=enhancement.queued_at)
    return ahead.count() + 1


def enhancement_models(*, scale: int | None = None) -> list[dict]:
    """The zoo for choosing a model: ``default`` first, then each model for ``scale`` with its hint."""
    import mlcore

    zoo = mlcore.list_models()
    defaults = {int(k): v for k, v in zoo["default"].items()}
    choices = [{"name": "default", "hint": "The best model shipped for the scale.", "default_for": defaults}]
    for entry in zoo["models"]:
        if scale is None or scale in entry["scales"]:
            choices.append({"name": entry["name"], "hint": entry.get("hint", ""), "scales": entry["scales"]})
    return choices
