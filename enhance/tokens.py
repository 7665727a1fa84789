"""A user's API token (the /account/ page and ``POST /api/auth/token/``): read, create, revoke."""

from django.db import transaction
from rest_framework.authtoken.models import Token


def token_get_for_user(*, user) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_create(*, user) -> Token:
    """A new key for ``user``; the old one, if any, stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(*, user) -> bool:
    """Delete the user's key; False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
