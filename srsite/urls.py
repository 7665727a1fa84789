from django.contrib import admin
from django.urls import include, path

from enhance.views.accounts import SignInView, signup
from enhance.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/login/", SignInView.as_view(), name="login"),  # before Django's own, which it limits
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("enhance.api_urls")),
    path("", include("enhance.urls")),
]

handler400 = "enhance.api_errors.bad_request"
handler403 = "enhance.api_errors.permission_denied"
handler404 = "enhance.api_errors.page_not_found"
handler500 = "enhance.api_errors.server_error"
