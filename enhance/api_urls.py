"""The API's routes (docs/spec.md §3): the report's two endpoints at the root, the resource under /api/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from enhance import apis

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False  # `format` is /display's query parameter, nothing else
router.register("enhancements", apis.EnhancementViewSet, basename="enhancement")
router.register("batches", apis.BatchViewSet, basename="batch")
router.register("models", apis.ZooViewSet, basename="models")

urlpatterns = [
    path("upload_img", apis.UploadImageView.as_view(), name="upload_img"),
    path("display", apis.DisplayView.as_view(), name="display"),
    path("api/auth/token/", apis.ObtainTokenView.as_view(), name="token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script as a file (no inline script) and its styles as files
    # (templates/drf_spectacular/swagger_ui.html): the site's CSP holds on this page too.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("api/", include(router.urls)),
]
