"""``/healthz`` for load balancers and operators: 200 when every part works, 503 naming the failing ones."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from enhance import health


@never_cache
@require_GET
def healthz(request):
    report = health.report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
