"""SPEC §7: storage, database or queue unavailable gets a clear 503, never a bare 500 (the only 500 is a failed job)."""

import logging

from django.db import InterfaceError, OperationalError

from enhance.api_errors import error_response

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again in a moment."
RETRY_AFTER_SECONDS = "30"


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    # Files on disk fail with OSError; S3 (botocore) and Redis (queue, shared throttle counts) with their own.
    errors: list[type[BaseException]] = [OperationalError, InterfaceError, OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:
        pass
    return tuple(errors)


UNAVAILABLE_ERRORS = _unavailable_errors()


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE_ERRORS):
            return None
        logger.error("Service unavailable for %s", request.path, exc_info=exception)
        response = error_response(request, 503, "Temporarily unavailable", UNAVAILABLE_MESSAGE)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
