"""Every API error is ``{"error": "…"}`` (SPEC §3), whatever raised it: DRF, a service or a lookup."""

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from enhance.models import Enhancement
from enhance.validation import EnhancementError

NOT_FOUND_MESSAGE = "No such enhancement."
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
