"""Every API error is ``{"error": "…"}`` (docs/spec.md §3), whatever raised it: DRF, a service or a lookup."""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from enhance import messages
from enhance.models import Enhancement
from enhance.validation import EnhancementError

API_PATHS = ("/api/", "/upload_img", "/display")


def exception_handler(exc, context):
    if isinstance(exc, EnhancementError):
        set_rollback()
        return Response({"error": str(exc)}, status=exc.status)
    if isinstance(exc, Enhancement.DoesNotExist):
        exc = exceptions.NotFound(messages.NO_SUCH_ENHANCEMENT)  # someone else's or none: no hint which
    response = drf_exception_handler(exc, context)
    if response is not None:  # keeps DRF's status and headers (WWW-Authenticate, Retry-After)
        response.data = {"error": first_message(response.data)}
    return response


def first_message(detail) -> str:
    """The first message of a DRF error detail: a string, or lists and per-field dicts of them."""
    while isinstance(detail, list | dict):
        if not detail:
            return messages.INVALID_REQUEST
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def page_not_found(request, exception):
    """Django's 404 (no route matched, or a view's Http404): JSON under the API's paths, the site's error page
    elsewhere, with the view's own words when it gave some ("No such enhancement.")."""
    if request.path.startswith(API_PATHS):
        return JsonResponse({"error": messages.NOT_FOUND}, status=404)
    reason = exception.args[0] if exception is not None and exception.args else None
    if not (isinstance(reason, str) and reason):  # Django's own 404s carry a dict or nothing
        reason = messages.PAGE_NOT_FOUND
    return error_response(request, 404, "Page not found", reason)


def permission_denied(request, exception):
    """Django's 403: ``{"error"}`` under the API's paths, the site's error page elsewhere."""
    return error_response(request, 403, "Not allowed", messages.FORBIDDEN)


def csrf_failure(request, reason=""):
    """A form posted without its valid CSRF token (a page left open past a sign-out, say): nothing was done;
    the site's error page says how to go on, where Django's own page would speak of cookies and referers."""
    return error_response(request, 403, "Form expired", messages.FORM_EXPIRED)


def server_error(request):
    """Django's 500 (an unhandled exception, DEBUG off): ``{"error"}`` under the API's paths, so a client never
    has to read an HTML page; the site's page elsewhere. The cause goes to the log, never to the client."""
    if request.path.startswith(API_PATHS):
        return JsonResponse({"error": messages.SERVER_ERROR}, status=500)
    return defaults.server_error(request)


def error_response(request, status: int, title: str, message: str) -> HttpResponse:
    """An error answered before or outside any view: ``{"error"}`` under the API's paths, the site's error
    page elsewhere. The page has no request context: its processors would read the session, from a database
    that may be the thing that is down."""
    if request.path.startswith(API_PATHS):
        return JsonResponse({"error": message}, status=status)
    return HttpResponse(render_to_string("error.html", {"title": title, "message": message}), status=status)


def bad_request(request, exception):
    """Django's 400 (a request refused while it was read, before any view: too many files, say): the
    reason; nothing was stored."""
    if isinstance(exception, TooManyFilesSent):
        message = messages.TOO_MANY_FILES.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES)
    elif isinstance(exception, TooManyFieldsSent):
        message = messages.TOO_MANY_FIELDS
    else:
        message = messages.BAD_REQUEST
    return error_response(request, 400, "Request refused", message)
