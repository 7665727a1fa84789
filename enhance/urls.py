from django.urls import path

from enhance.views import accounts, files, pages

app_name = "enhance"

urlpatterns = [
    path("", pages.upload, name="upload"),
    path("gallery/", pages.gallery, name="gallery"),
    path("account/", accounts.account, name="account"),
    path("batch/<uuid:batch>/", pages.batch, name="batch"),
    path("batch/<uuid:batch>/status/", pages.batch_status, name="batch_status"),
    path("batch/<uuid:batch>/download/", pages.batch_download, name="batch_download"),
    path("enhancements/status/", pages.statuses, name="statuses"),
    path("enhancements/<int:pk>/", pages.detail, name="detail"),
    path("enhancements/<int:pk>/status/", pages.status, name="status"),
    path("enhancements/<int:pk>/cancel/", pages.cancel, name="cancel"),
    path("enhancements/<int:pk>/retry/", pages.retry, name="retry"),
    path("enhancements/<int:pk>/rerun/", pages.rerun, name="rerun"),
    path("enhancements/<int:pk>/delete/", pages.delete, name="delete"),
    path("enhancements/<int:pk>/download/", files.download, name="download"),
    path("enhancements/<int:pk>/files/<str:kind>/", files.media, name="media"),
]
