"""docs/spec.md §7: a clear answer for requests refused while they are read, and a 503 (never a bare 500; the only
500 is a failed job) when storage, database or queue is unavailable."""

import logging

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError

from enhance import messages
from enhance.api_errors import bad_request, error_response

logger = logging.getLogger(__name__)

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
        response = error_response(request, 503, "Temporarily unavailable", messages.UNAVAILABLE)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response


class RequestReadMiddleware:
    """DEBUG only (``make run``): Django answers a request with more files or form fields than it allows
    with its technical page there, and calls ``handler400`` only without DEBUG. So in DEBUG this reads a
    POST's form before the CSRF check or a view does and gives ``handler400``'s answer ("Too many files at
    once…"). Other bodies (JSON) are not read; reading a form first changes nothing for the CSRF check or DRF.
    Without DEBUG it is not in the chain: the form is read where it always was, after authentication."""

    def __init__(self, get_response):
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                request.POST  # noqa: B018  (parses the form, files included)
            except (TooManyFilesSent, TooManyFieldsSent) as exc:
                return bad_request(request, exc)
        return self.get_response(request)
