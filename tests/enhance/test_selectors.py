"""Selectors only ever see the owner's items."""

import pytest

import mlcore
from enhance import selectors, services
from enhance.models import Enhancement

pytestmark = pytest.mark.django_db


def test_list_for_user_returns_only_own_items_newest_first(user, make_user, make_enhancement):
    older, newer = make_enhancement(name="older.png"), make_enhancement(name="newer.png")
    make_enhancement(owner=make_user("other"))
    assert list(selectors.enhancement_list_for_user(user=user)) == [newer, older]
    assert selectors.enhancement_latest_for_user(user=user) == newer


def test_get_for_user_does_not_find_another_users_item(user, make_user, make_enhancement):
    theirs = make_enhancement(owner=make_user("other"))
    with pytest.raises(Enhancement.DoesNotExist):
        selectors.enhancement_get_for_user(user=user, enhancement_id=theirs.pk)


def test_queue_position_counts_jobs_queued_earlier_by_anyone(
    user, make_user, make_enhancement, django_capture_on_commit_callbacks
):
    jobs = [make_enhancement(owner=owner) for owner in (make_user("first"), user, user)]
    with django_capture_on_commit_callbacks():  # no worker: they stay queued
        for job in jobs:
            services.enhancement_queue(enhancement=job, scale=2, model="default", quality_check=False)
    assert [selectors.enhancement_queue_position(enhancement=job) for job in jobs] == [1, 2, 3]
    assert selectors.enhancement_queue_position(enhancement=make_enhancement()) is None


def test_models_offer_default_first_with_hints():
    names = [choice["name"] for choice in selectors.enhancement_models()]
    assert names[0] == "default" and "bicubic" in names
    assert all(choice["hint"] for choice in selectors.enhancement_models())


def test_model_labels_use_the_cards_plain_words_and_say_what_default_is():
    labels = {choice["name"]: choice["label"] for choice in selectors.enhancement_models()}
    best = mlcore.resolve_model("default", 2)[0]
    assert labels["fsrcnn"] == "Fastest" and labels["espcn"] == "Fast"
    assert labels["srcnn"] == "Classic SRCNN" and labels["bicubic"] == "Classic interpolation"
    hints = {choice["name"]: choice["hint"] for choice in selectors.enhancement_models()}
    assert hints["fsrcnn"] == "fsrcnn: FSRCNN, works at low resolution." and best in hints["default"]
    assert labels["default"] == f"Default: {labels[best]}"
