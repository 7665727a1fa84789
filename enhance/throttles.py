"""How often a client may try: its address behind the trusted proxies; sign-in, password reset and sign-up
attempts per address and per name (``ATTEMPT_LIMITS``); uploads per user (pages and API count alike). Counts live
in the shared cache, counted atomically."""

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


# Attempts that a client may make in ``SRSITE_LOGIN_WINDOW_MINUTES``, per kind: the message of a refusal, and
# the counters each attempt adds to, named by the parts of the attempt they count (each its own ceiling).
# Sign-in counts a username from one address (the guesser's limit), any usernames from one address, and one
# username from everywhere with a higher ceiling: an attacker at one address cannot lock a person out.
ATTEMPT_LIMITS = {
    "signin": (
        messages.SIGN_IN_LOCKED,
        {
            ("username", "address"): "SRSITE_LOGIN_ATTEMPTS",
            ("address",): "SRSITE_LOGIN_ADDRESS_ATTEMPTS",
            ("username",): "SRSITE_LOGIN_USER_ATTEMPTS",
        },
    ),
    "reset": (
        messages.RESET_LOCKED,
        {("address",): "SRSITE_RESET_ATTEMPTS", ("email",): "SRSITE_RESET_ATTEMPTS"},
    ),
    "signup": (messages.SIGN_UP_LOCKED, {("address",): "SRSITE_SIGNUP_ATTEMPTS"}),
}


class Locked(Exception):
    """Too many attempts of one kind (sign-in, password reset, sign-up); ``str()`` is the message for people."""

    def __init__(self, kind: str):
        message = ATTEMPT_LIMITS[kind][0]
        super().__init__(message.format(minutes=settings.SRSITE_LOGIN_WINDOW_MINUTES))
        self.wait_seconds = settings.SRSITE_LOGIN_WINDOW_MINUTES * 60


def _attempt_keys(kind: str, who: dict[str, str]) -> dict[str, int]:
    """The cache key of each counter an attempt adds to, with its ceiling (values hashed: any length, no odd
    characters; names compared as people write them, regardless of case)."""
    keys = {}
    for parts, setting in ATTEMPT_LIMITS[kind][1].items():
        value = "\n".join(who.get(part, "").casefold() for part in parts)
        keys[f"attempts:{kind}:{'+'.join(parts)}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"] = getattr(
            settings, setting
        )
    return keys


COUNT_TRIES = 10  # a cache that neither adds nor increments a key (its database failing) ends in an error


def count(key: str, *, timeout: int) -> int:
    """Add one to ``key``'s count (which expires ``timeout`` seconds after the first): the count after it.

    Exact across processes when the cache's ``add`` and ``incr`` are atomic, which enhance.checks requires of
    production caches (Redis, Memcached, enhance.cache.AtomicDatabaseCache).
    """
    for _ in range(COUNT_TRIES):
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr (or add failed): start the window again
            continue
    raise RuntimeError(f"The cache could not count {key!r} in {COUNT_TRIES} tries.")


def attempt(kind: str, **who: str) -> None:
    """Count an attempt of ``kind`` (``ATTEMPT_LIMITS``) before anything is checked; Locked once any of its
    counters has passed its ceiling within the window (refused attempts count too: waiting is the way out)."""
    window = settings.SRSITE_LOGIN_WINDOW_MINUTES * 60
    over = [count(key, timeout=window) > ceiling for key, ceiling in _attempt_keys(kind, who).items()]
    if any(over):
        raise Locked(kind)


def attempt_succeeded(kind: str, **who: str) -> None:
    """A right password gives its attempt back: people who sign in often are never locked out by it."""
    for key in _attempt_keys(kind, who):
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
