"""What the API takes and gives (docs/spec.md §3). Job settings are parsed by ``enhance.job_options`` (as the
page form does); the checks that need the image live in the services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

import mlcore
from enhance import job_options, messages, rendering, selectors, validation
from enhance.estimates import time_left_fields
from enhance.models import Enhancement


class _OptionMixin:
    """A DRF field parsed by one of ``enhance.job_options``' parsers (the page form uses the same)."""

    def __init__(self, parse, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse

    def to_internal_value(self, data):
        try:
            return self.parse(data)
        except validation.EnhancementError as exc:
            raise serializers.ValidationError(str(exc)) from None


class ScaleField(_OptionMixin, serializers.ChoiceField):
    pass


class ModelNameField(_OptionMixin, serializers.CharField):
    def run_validation(self, data=serializers.empty):
        return self.parse(super().run_validation(data))  # a blank name skips to_internal_value


class QualityCheckField(_OptionMixin, serializers.BooleanField):
    pass


class RestoreField(_OptionMixin, serializers.ChoiceField):
    pass


class ChoiceOptionField(_OptionMixin, serializers.ChoiceField):
    pass


class NumberOptionField(_OptionMixin, serializers.IntegerField):
    def validate_empty_values(self, data):
        if data == "":  # a form's empty box: left out, as the page form reads it
            return True, self.parse(data)
        return super().validate_empty_values(data)


class JobOptionsSerializer(serializers.Serializer):
    scale = ScaleField(
        job_options.parse_scale,
        choices=mlcore.SCALES,
        default=job_options.DEFAULT_SCALE,
        error_messages={"null": messages.SCALE},
    )
    model = ModelNameField(
        job_options.parse_model,
        default=job_options.DEFAULT_MODEL,
        initial=job_options.DEFAULT_MODEL,
        allow_blank=True,  # no max_length: any unknown name, however long, gets the "Unknown model" words
        help_text="A zoo name from /api/models/, or `default` (the best shipped model for the scale).",
    )
    quality_check = QualityCheckField(
        job_options.parse_quality_check,
        default=False,
        help_text="Treat the upload as ground truth: downscale, restore, and report PSNR/SSIM against it.",
    )
    check_degradation = ChoiceOptionField(
        job_options.parse_check_degradation,
        choices=messages.CHECK_DEGRADATION_CHOICES,
        default=job_options.DEFAULT_CHECK_DEGRADATION,
        help_text="For a quality check: what is done to the shrunk image before it is restored, as "
        "`manage.py evaluate --degradation`: `clean`, `jpeg:Q` (1–100) or `noise:S` (σ on 0–255).",
        error_messages={"null": messages.CHECK_DEGRADATION},
    )
    restore = RestoreField(
        job_options.parse_restore,
        choices=Enhancement.RESTORE_CHOICES,
        default=job_options.DEFAULT_RESTORE,
        help_text="For `default`: `auto` uses the photo model when the upload is a compressed JPEG or noisy, "
        "`off` never, `strong` always.",
        error_messages={"null": messages.RESTORE},
    )
    fit = ChoiceOptionField(
        job_options.parse_fit,
        choices=messages.FIT_CHOICES,
        default=job_options.DEFAULT_FIT,
        help_text="`scale` (× scale), or a target size keeping the aspect: `width` (target_width), `height` "
        "(target_height) or `box` (both: fit inside). A target uses the smallest scale that reaches it and resizes "
        "the result down (Lanczos); `scale` is then ignored.",
        error_messages={"null": messages.FIT},
    )
    target_width = NumberOptionField(
        job_options.parse_target_width, required=False, allow_null=True, default=None, help_text="Pixels."
    )
    target_height = NumberOptionField(
        job_options.parse_target_height, required=False, allow_null=True, default=None, help_text="Pixels."
    )
    output_format = ChoiceOptionField(
        job_options.parse_output_format,
        choices=messages.FORMAT_CHOICES,
        default=job_options.DEFAULT_OUTPUT_FORMAT,
        help_text="The result's download format when none is asked for (`/display`, the Download button).",
        error_messages={"null": messages.OUTPUT_FORMAT},
    )
    output_quality = NumberOptionField(
        job_options.parse_output_quality,
        default=rendering.DEFAULT_QUALITY,
        help_text="JPEG and WebP quality, 1–100.",
        error_messages={"null": messages.OUTPUT_QUALITY},
    )


class UploadSerializer(JobOptionsSerializer):
    batch = serializers.UUIDField(
        required=False,
        error_messages={"invalid": messages.BATCH_ID},
        help_text="Add it to this batch of yours (an earlier enhancement's `batch`, from `/api/enhancements/{id}/`), "
        "to follow and download them together at `/api/batches/{batch}/`; left out: a batch of its own.",
    )
    image = serializers.FileField(
        allow_empty_file=True,  # the service answers an empty file with its own words
        use_url=False,
        error_messages={key: messages.NO_FILE for key in ("required", "null", "invalid", "no_name")},
        help_text="JPEG, PNG, WebP, BMP, TIFF or static GIF (checked by decoding it, not by its name).",
    )


class UrlsSerializer(serializers.Serializer):
    display = serializers.URLField(help_text="GET it for the result (202 while the job runs).")
    result_page = serializers.URLField(help_text="The result page on the site.")


class UrlsWithPreviewSerializer(UrlsSerializer):
    preview = serializers.URLField(help_text="GET it for the result at display size (WebP, longest side 1600 px).")


def enhancement_urls(request, enhancement: Enhancement, *, preview: bool = False) -> dict:
    display = f"{reverse('api:display')}?id={enhancement.pk}"
    result_page = reverse("enhance:detail", args=[enhancement.pk])
    urls = {"display": request.build_absolute_uri(display), "result_page": request.build_absolute_uri(result_page)}
    if preview:
        urls["preview"] = request.build_absolute_uri(f"{display}&size=preview")
    return urls


class UrlsMixin(serializers.Serializer):
    urls = serializers.SerializerMethodField()

    @extend_schema_field(UrlsSerializer)
    def get_urls(self, enhancement) -> dict:
        return enhancement_urls(self.context["request"], enhancement)


class UrlsWithPreviewMixin(UrlsMixin):
    """The enhancement's full representation also names its display-sized preview."""

    @extend_schema_field(UrlsWithPreviewSerializer)
    def get_urls(self, enhancement) -> dict:
        return enhancement_urls(self.context["request"], enhancement, preview=True)


class EnhancementCreatedSerializer(UrlsMixin, serializers.ModelSerializer):
    class Meta:
        model = Enhancement
        fields = ("id", "status", "progress", "urls")


class QueuePositionMixin(serializers.Serializer):
    queue_position = serializers.SerializerMethodField(
        help_text="1 for the next job a worker takes; null unless queued."
    )

    seconds_left = serializers.SerializerMethodField(
        help_text="Seconds until it is done, estimated from the model's measured speed, the jobs before it in the "
        "queue and a running job's pace; null when finished (or without an estimate)."
    )
    time_left = serializers.SerializerMethodField(help_text='The same in words: "about 20 s left", "almost done".')

    def get_queue_position(self, enhancement) -> int | None:
        return selectors.enhancement_queue_position(enhancement=enhancement)

    def get_seconds_left(self, enhancement) -> int | None:
        return self._time_left(enhancement)["seconds_left"]

    def get_time_left(self, enhancement) -> str | None:
        return self._time_left(enhancement)["time_left"]

    def _time_left(self, enhancement) -> dict:
        cache = self.__dict__.setdefault("_time_left_cache", {})
        if enhancement.pk not in cache:
            cache.update(time_left_fields(enhancements=[enhancement]))
        return cache[enhancement.pk]


class EnhancementProgressSerializer(QueuePositionMixin, serializers.ModelSerializer):
    class Meta:
        model = Enhancement
        fields = ("id", "status", "progress", "queue_position", "seconds_left", "time_left")


class StatusQuerySerializer(serializers.Serializer):
    ids = serializers.CharField(help_text="Enhancement ids separated by commas (at most 100).")


class EnhancementStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Enhancement.Status.choices)
    progress = serializers.IntegerField(help_text="0–100.")
    queue_position = serializers.IntegerField(allow_null=True, help_text="1 for the next job; null unless queued.")
    seconds_left = serializers.IntegerField(allow_null=True, help_text="Estimated seconds until done; null if none.")
    time_left = serializers.CharField(allow_null=True, help_text='In words: "about 20 s left".')


class EnhancementStatusListSerializer(serializers.Serializer):
    items = EnhancementStatusSerializer(many=True)


class BatchProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Jobs in the batch.")
    new = serializers.IntegerField(help_text="Drafts not queued yet.")
    queued = serializers.IntegerField()
    running = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="0–100: a finished job counts whole, a running one by its progress.")
    text = serializers.CharField(help_text='What the batch page shows: "5 of 12 done, 1 failed".')
    seconds_left = serializers.IntegerField(
        allow_null=True, help_text="Estimated seconds until the batch's last queued or running job is done."
    )
    time_left = serializers.CharField(allow_null=True, help_text='The same in words: "about 2 min left".')


class BatchUrlsSerializer(serializers.Serializer):
    download = serializers.URLField(help_text="GET it for every finished result in one ZIP.")
    page = serializers.URLField(help_text="The batch page on the site.")


class BatchSerializer(BatchProgressSerializer):
    id = serializers.UUIDField()
    items = EnhancementStatusSerializer(many=True, help_text="Each job's state, in upload order.")
    urls = BatchUrlsSerializer()


class EnhancementSerializer(UrlsWithPreviewMixin, QueuePositionMixin, serializers.ModelSerializer):
    batch = serializers.UUIDField(source="batch_id", read_only=True, help_text="GET /api/batches/{batch}/.")
    model = serializers.CharField(source="model_requested", read_only=True)
    message = serializers.SerializerMethodField(help_text="What to tell a person when it failed or was cancelled.")
    processing_seconds = serializers.FloatField(read_only=True, allow_null=True)
    original_name = serializers.CharField(source="upload.name", read_only=True)
    original_format = serializers.CharField(source="upload.format", read_only=True)
    original_width = serializers.IntegerField(source="upload.width", read_only=True)
    original_height = serializers.IntegerField(source="upload.height", read_only=True)
    original_bytes = serializers.IntegerField(source="upload.bytes", read_only=True)
    restoring = serializers.BooleanField(read_only=True, help_text="A restoring model (photo, JPEG or noise) ran.")
    model_note = serializers.CharField(read_only=True, help_text="Why `default` became this model, in plain words.")

    class Meta:
        model = Enhancement
        fields = (
            "id",
            "batch",
            "status",
            "progress",
            "queue_position",
            "seconds_left",
            "time_left",
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
            "check_degradation",
            "check_model",
            "restore",
            "fit",
            "target_width",
            "target_height",
            "output_format",
            "output_quality",
            "route",
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
            Enhancement.Status.FAILED: messages.FAILED,
            Enhancement.Status.CANCELLED: messages.CANCELLED,
        }.get(enhancement.status)


class DisplayQuerySerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, min_value=1, help_text="An enhancement of yours; left out: your newest."
    )
    format = serializers.ChoiceField(
        choices=["file", "base64"],
        default="file",
        error_messages={"invalid_choice": messages.DISPLAY_FORMAT},
        help_text='"base64": JSON `{"image": "data:…;base64,…"}` instead of the file.',
    )
    output = serializers.ChoiceField(
        choices=list(rendering.EXPORT_FORMATS),
        required=False,
        error_messages={"invalid_choice": messages.OUTPUT_FORMAT},
        help_text="The image format; left out: the job's `output_format` (PNG unless chosen).",
    )
    size = serializers.ChoiceField(
        choices=["full", "preview"],
        default="full",
        error_messages={"invalid_choice": messages.DISPLAY_SIZE},
        help_text='"preview": the result at display size (WebP, longest side 1600 px) instead of the full image.',
    )

    def validate(self, attrs):
        if attrs["size"] == "preview" and self.initial_data.get("output", "webp") != "webp":
            raise serializers.ValidationError({"output": messages.PREVIEW_OUTPUT})
        return attrs


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


class CredentialsSerializer(AuthTokenSerializer):
    username = serializers.CharField(
        write_only=True, error_messages=dict.fromkeys(("required", "blank"), messages.CREDENTIALS)
    )
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        error_messages=dict.fromkeys(("required", "blank"), messages.CREDENTIALS),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
