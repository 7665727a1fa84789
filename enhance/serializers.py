"""What the API takes and gives (SPEC §3). The checks with SPEC's words live in the services, once."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

import mlcore
from enhance import rendering, selectors, validation
from enhance.models import Enhancement

OUTPUT_MESSAGE = "Output must be one of png, jpeg, webp."
FORMAT_MESSAGE = 'Format must be "base64", or left out for the file.'


class JobOptionsSerializer(serializers.Serializer):
    scale = serializers.ChoiceField(
        choices=mlcore.SCALES,
        default=2,
        error_messages={"invalid_choice": mlcore.SCALE_MESSAGE, "null": mlcore.SCALE_MESSAGE},
    )
    model = serializers.CharField(
        default="default",
        initial="default",
        allow_blank=True,  # no max_length: any unknown name, however long, gets SPEC's "Unknown model" words
        help_text="A zoo name from /api/models/, or `default` (the best shipped model for the scale).",
    )
    quality_check = serializers.BooleanField(
        default=False,
        help_text="Treat the upload as ground truth: downscale, restore, and report PSNR/SSIM against it.",
        error_messages={"invalid": "quality_check must be true or false."},
    )
    restore = serializers.ChoiceField(
        choices=Enhancement.RESTORE_CHOICES,
        default="auto",
        help_text="For `default`: `auto` uses the photo model when the upload is a compressed JPEG or noisy, "
        "`off` never, `strong` always.",
        error_messages={"invalid_choice": validation.RESTORE_MESSAGE, "null": validation.RESTORE_MESSAGE},
    )


class UploadSerializer(JobOptionsSerializer):
    image = serializers.FileField(
        allow_empty_file=True,  # the service answers an empty file with SPEC's words
        use_url=False,
        error_messages={key: validation.NO_FILE_MESSAGE for key in ("required", "null", "invalid", "no_name")},
        help_text="JPEG, PNG, WebP, BMP, TIFF or static GIF (checked by decoding it, not by its name).",
    )


class UrlsSerializer(serializers.Serializer):
    display = serializers.URLField(help_text="GET it for the result (202 while the job runs).")
    result_page = serializers.URLField(help_text="The result page on the site.")


def enhancement_urls(request, enhancement: Enhancement) -> dict:
    display = f"{reverse('api:display')}?id={enhancement.pk}"
    result_page = reverse("enhance:detail", args=[enhancement.pk])
    return {"display": request.build_absolute_uri(display), "result_page": request.build_absolute_uri(result_page)}


class UrlsMixin(serializers.Serializer):
    urls = serializers.SerializerMethodField()

    @extend_schema_field(UrlsSerializer)
    def get_urls(self, enhancement) -> dict:
        return enhancement_urls(self.context["request"], enhancement)


class EnhancementCreatedSerializer(UrlsMixin, serializers.ModelSerializer):
    class Meta:
        model = Enhancement
        fields = ("id", "status", "progress", "urls")


class QueuePositionMixin(serializers.Serializer):
    queue_position = serializers.SerializerMethodField(
        help_text="1 for the next job a worker takes; null unless queued."
    )

    def get_queue_position(self, enhancement) -> int | None:
        return selectors.enhancement_queue_position(enhancement=enhancement)


class EnhancementProgressSerializer(QueuePositionMixin, serializers.ModelSerializer):
    class Meta:
        model = Enhancement
        fields = ("id", "status", "progress", "queue_position")


class EnhancementSerializer(UrlsMixin, QueuePositionMixin, serializers.ModelSerializer):
    model = serializers.CharField(source="model_requested", read_only=True)
    message = serializers.SerializerMethodField(help_text="What to tell a person when it failed or was cancelled.")
    processing_seconds = serializers.FloatField(read_only=True, allow_null=True)
    model_note = serializers.CharField(read_only=True, help_text="Why `default` became this model, in plain words.")

    class Meta:
        model = Enhancement
        fields = (
            "id",
            "status",
            "progress",
            "queue_position",
            "message",
            "original_name",
            "original_format",
            "original_width",
            "original_height",
            "original_bytes",
            "scale",
            "model",
            "model_resolved",
            "weights_hash",
            "quality_check",
            "restore",
            "restoring",
            "jpeg_quality",
            "noise_sigma",
            "model_note",
            "result_width",
            "result_height",
            "device",
            "processing_seconds",
            "psnr_model",
            "ssim_model",
            "psnr_bicubic",
            "ssim_bicubic",
            "created_at",
            "queued_at",
            "started_at",
            "finished_at",
            "urls",
        )
        read_only_fields = fields

    def get_message(self, enhancement) -> str | None:
        return {
            Enhancement.Status.FAILED: validation.FAILED_MESSAGE,
            Enhancement.Status.CANCELLED: validation.CANCELLED_MESSAGE,
        }.get(enhancement.status)


class DisplayQuerySerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, min_value=1, help_text="An enhancement of yours; left out: your newest."
    )
    format = serializers.ChoiceField(
        choices=["file", "base64"],
        default="file",
        error_messages={"invalid_choice": FORMAT_MESSAGE},
        help_text='"base64": JSON `{"image": "data:…;base64,…"}` instead of the file.',
    )
    output = serializers.ChoiceField(
        choices=list(rendering.EXPORT_FORMATS),
        default="png",
        error_messages={"invalid_choice": OUTPUT_MESSAGE},
        help_text="The image format.",
    )


class Base64ImageSerializer(serializers.Serializer):
    image = serializers.CharField(help_text="A data URL: `data:image/png;base64,…`.")


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()


class ZooModelSerializer(serializers.Serializer):
    name = serializers.CharField()
    hint = serializers.CharField()
    scales = serializers.ListField(child=serializers.IntegerField())
    default_for = serializers.ListField(child=serializers.IntegerField(), help_text="Scales it is `default` for.")
    channels = serializers.ChoiceField(choices=["y", "rgb"], help_text="y: luma by the network, chroma by bicubic.")
    params = serializers.DictField(child=serializers.IntegerField(), help_text="Parameters, per scale.")
    flops_per_mp = serializers.DictField(
        child=serializers.FloatField(), help_text="FLOPs per output megapixel (2 × multiply-adds), per scale."
    )
    weights_hash = serializers.DictField(child=serializers.CharField(), help_text="Short weights hash, per scale.")
    measured = serializers.DictField(
        child=serializers.DictField(child=serializers.DictField(child=serializers.FloatField())),
        help_text="scale → dataset → {psnr, ssim, seconds_per_mp} as `manage.py evaluate` measured them.",
    )


class ZooSerializer(serializers.Serializer):
    models = ZooModelSerializer(many=True)
    default = serializers.DictField(child=serializers.CharField(), help_text="scale → what `default` resolves to.")


CREDENTIALS_MESSAGE = "Username and password are required."


class CredentialsSerializer(AuthTokenSerializer):
    username = serializers.CharField(
        write_only=True, error_messages=dict.fromkeys(("required", "blank"), CREDENTIALS_MESSAGE)
    )
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        error_messages=dict.fromkeys(("required", "blank"), CREDENTIALS_MESSAGE),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
