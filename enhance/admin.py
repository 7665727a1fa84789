from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy

from enhance.forms import ThrottledAdminAuthenticationForm
from enhance.models import Batch, Enhancement, Upload

# Keys are stored as digests (enhance.tokens): a token made in the admin would never work. People make
# their own on /account/; deleting a user revokes theirs.
admin.site.unregister(TokenProxy)
admin.site.login_form = ThrottledAdminAuthenticationForm  # the admin's sign-in counts like the site's


@admin.register(Enhancement)
class EnhancementAdmin(admin.ModelAdmin):
    list_display = ("id", "upload", "owner", "status", "progress", "scale", "model_resolved", "created_at")
    list_filter = ("status", "scale", "model_resolved", "route", "quality_check", "device", "created_at")
    search_fields = ("upload__name", "owner__username", "owner__email", "error", "=id")
    date_hierarchy = "created_at"
    list_select_related = ("owner", "upload")
    raw_id_fields = ("owner", "upload", "batch")
    readonly_fields = (
        "task_id",
        "created_at",
        "queued_at",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "result_bytes",
        "export_bytes",
    )
    fieldsets = (
        (None, {"fields": ("owner", "batch", "upload", "status", "progress", "error")}),
        (
            "Job",
            {
                "fields": (
                    "model_requested",
                    "restore",
                    "model_resolved",
                    "route",
                    "jpeg_quality",
                    "noise_sigma",
                    "weights_hash",
                    "scale",
                    "quality_check",
                    "device",
                    "attempts",
                    "task_id",
                    "lease_expires_at",
                    "heartbeat_at",
                )
            },
        ),
        (
            "Result",
            {"fields": ("result", ("result_width", "result_height"), "thumbnail", ("result_bytes", "export_bytes"))},
        ),
        ("Quality check", {"fields": (("psnr_model", "ssim_model"), ("psnr_bicubic", "ssim_bicubic"))}),
        ("Times", {"fields": ("created_at", "queued_at", "started_at", "finished_at")}),
    )


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "owner", "format", "width", "height", "bytes", "created_at")
    search_fields = ("name", "owner__username", "=id")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "created_at")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
