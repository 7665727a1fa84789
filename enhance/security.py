"""Headers every response gets: the site's Content-Security-Policy, and no caching of signed-in pages."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """A response that sets its own policy keeps it (user files: ``sandbox``); one that sets its own caching
    keeps it (thumbnails and images: private). Everything else a signed-in person sees is ``no-store``, so a
    shared computer's browser or a proxy never keeps their pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.SRSITE_CONTENT_SECURITY_POLICY)
        if "Cache-Control" not in response and response.status_code < 500 and _signed_in(request):
            patch_cache_control(response, no_store=True, private=True)
        return response


def _signed_in(request) -> bool:
    # Not asked of a 5xx: the session lives in a database that may be the thing that is down.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
