from django.contrib import admin
from django.urls import include, path

from enhance.views.accounts import ResetPasswordView, SignInView, signup
from enhance.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/signup/", signup, name="signup"),
    # Before Django's own, which they limit.
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/password_reset/", ResetPasswordView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("enhance.api_urls")),
    path("", include("enhance.urls")),
]

handler400 = "enhance.api_errors.bad_request"
handler403 = "enhance.api_errors.permission_denied"
handler404 = "enhance.api_errors.page_not_found"
handler500 = "enhance.api_errors.server_error"
