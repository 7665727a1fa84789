"""Every API error is ``{"error": "…"}`` (SPEC §3), whatever raised it: DRF, a service or a lookup."""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from enhance.models import Enhancement
from enhance.validation import EnhancementError

NOT_FOUND_MESSAGE = "No such enhancement."
BAD_REQUEST_MESSAGE = "The request could not be read. Please try again."
API_PATHS = ("/api/", "/upload_img", "/display")


def exception_handler(exc, context):
    if isinstance(exc, EnhancementError):
        set_rollback()
        return Response({"error": str(exc)}, status=exc.status)
    if isinstance(exc, Enhancement.DoesNotExist):
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)  # someone else's or none: no hint which
    response = drf_exception_handler(exc, context)
    if response is not None:  # keeps DRF's status and headers (WWW-Authenticate, Retry-After)
        response.data = {"error": first_message(response.data)}
    return response


def first_message(detail) -> str:
    """The first message of a DRF error detail: a string, or lists and per-field dicts of them."""
    while isinstance(detail, list | dict):
        if not detail:
            return "Invalid request."
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def page_not_found(request, exception):
    """Django's 404 (no route matched): JSON under the API's paths, the site's page elsewhere."""
    if request.path.startswith(API_PATHS):
        return JsonResponse({"error": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def too_many_files_message() -> str:
    return f"Too many files at once. Please send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} per upload."


def bad_request(request, exception):
    """Django's 400 (a request refused while it was read, before any view: too many files, say): the reason,
    as JSON under the API's paths and on the site's page elsewhere; nothing was stored."""
    if isinstance(exception, TooManyFilesSent):
        message = too_many_files_message()
    elif isinstance(exception, TooManyFieldsSent):
        message = "Too many form fields in one request."
    else:
        message = BAD_REQUEST_MESSAGE
    if request.path.startswith(API_PATHS):
        return JsonResponse({"error": message}, status=400)
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))
