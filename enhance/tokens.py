"""A user's API token (the /account/ page and ``POST /api/auth/token/``): create, revoke, authenticate.

Only a digest of each key is stored (in DRF's ``Token.key`` column), so a copy of the database signs in no
one: the key is shown once, when it is made, and a lost key is replaced, never shown again.
"""

import hashlib
import secrets

from django.db import transaction
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def digest(key: str) -> str:
    """What is stored for ``key``: SHA-256, cut to the column's 40 hex digits (160 bits)."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def token_get_for_user(*, user) -> Token | None:
    """The user's token row (its creation time; the key itself is not kept)."""
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_create(*, user) -> str:
    """A new key for ``user``, returned once; the old one, if any, stops working at once."""
    Token.objects.filter(user=user).delete()
    key = secrets.token_hex(20)
    Token.objects.create(user=user, key=digest(key))
    return key


def token_revoke(*, user) -> bool:
    """Delete the user's key; False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


class HashedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, looked up by the key's digest."""

    def authenticate_credentials(self, key):
        return super().authenticate_credentials(digest(key))
