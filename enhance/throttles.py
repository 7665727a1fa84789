"""How often a client may try: its address behind the trusted proxies, sign-in attempts per username and per
address, and uploads per user (pages and API count alike). Counts live in the shared cache."""

import contextlib
import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from enhance import messages


def client_address(request) -> str:
    """``REMOTE_ADDR``, or with N trusted proxies in front the address the outermost of them saw: the Nth entry
    of X-Forwarded-For from the right (entries further left are whatever the client chose to send)."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    proxies = settings.SRSITE_TRUSTED_PROXIES
    if not proxies or not hops:
        return remote
    return hops[-min(proxies, len(hops))]


class SignInLocked(Exception):
    """Too many sign-in attempts for a username or from an address; ``str()`` is the message for people."""

    def __init__(self):
        super().__init__(messages.SIGN_IN_LOCKED.format(minutes=settings.SRSITE_LOGIN_WINDOW_MINUTES))
        self.wait_seconds = settings.SRSITE_LOGIN_WINDOW_MINUTES * 60


def _signin_keys(username: str, address: str) -> list[str]:
    name = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]  # any length, no odd characters
    return [f"signin:user:{name}", f"signin:addr:{address}"]


def signin_attempt(*, username: str, address: str) -> None:
    """Count an attempt before the password is checked; SignInLocked once the username or the address has
    made ``SRSITE_LOGIN_ATTEMPTS`` within the window (those refused count too, so waiting is the way out)."""
    window = settings.SRSITE_LOGIN_WINDOW_MINUTES * 60
    counts = []
    for key in _signin_keys(username, address):
        cache.add(key, 0, timeout=window)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            counts.append(1)
    if max(counts) > settings.SRSITE_LOGIN_ATTEMPTS:
        raise SignInLocked


def signin_succeeded(*, username: str, address: str) -> None:
    """A right password gives its attempt back: people who sign in often are never locked out by it."""
    for key in _signin_keys(username, address):
        with contextlib.suppress(ValueError):
            cache.decr(key)


def too_many_uploads_message(wait: float | None) -> str:
    return messages.TOO_MANY_UPLOADS.format(rate=settings.SRSITE_UPLOAD_RATE, seconds=math.ceil(wait or 1))


class Throttled(exceptions.Throttled):
    """A 429 whose message already says how long to wait (DRF's would append its own sentence);
    ``Retry-After`` is still set from ``wait``."""

    def __init__(self, wait: float | None, detail: str):
        super().__init__(detail=detail)
        self.wait = math.ceil(wait) if wait else None


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class UploadRateThrottle(ClientAddressMixin, UserRateThrottle):
    """Uploads per user (``SRSITE_UPLOAD_RATE``): each file of a page upload counts as one API upload."""

    scope = "uploads"

    def get_rate(self):
        return settings.SRSITE_UPLOAD_RATE


class TokenRateThrottle(ClientAddressMixin, SimpleRateThrottle):
    """Requests for a token per client address (``SRSITE_TOKEN_RATE``)."""

    scope = "token"

    def get_rate(self):
        return settings.SRSITE_TOKEN_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
