"""``/healthz`` for load balancers and operators: 200 when every part works, 503 otherwise.

Anyone (a load balancer) gets ``{"ok": …}`` only; staff and requests with ``Authorization: Bearer
<SRSITE_HEALTH_TOKEN>`` also get the failing parts and each check's detail (error text names hosts and paths).
"""

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from enhance import health


@never_cache
@require_GET
def healthz(request):
    report = health.report()
    body = report if _may_see_detail(request) else {"ok": report["ok"]}
    return JsonResponse(body, status=200 if report["ok"] else 503)


def _may_see_detail(request) -> bool:
    if request.user.is_staff:
        return True
    token = settings.SRSITE_HEALTH_TOKEN
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())
