"""An upload (the original, stored once), the enhancements run from it, and the batch they came in."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

import mlcore
from enhance import messages, rendering
from enhance.job_options import fitted_size


def _media_name(folder: str, filename: str) -> str:
    # Storage names never contain the user's file name (odd names, privacy); only its extension.
    return f"{folder}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


def original_upload_to(instance, filename):
    return _media_name("originals", filename)


def result_upload_to(instance, filename):
    return _media_name("results", filename)


def thumbnail_upload_to(instance, filename):
    return _media_name("thumbnails", filename)


class Batch(models.Model):
    """Files uploaded together (one settings form for all of them); a re-run starts a batch of its own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batches")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "batches"

    def __str__(self):
        return str(self.id)


class Upload(models.Model):
    """An original image as it was uploaded: owned, stored once, and enhanced any number of times."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to=original_upload_to)
    name = models.CharField(max_length=255)
    bytes = models.PositiveBigIntegerField()
    format = models.CharField(max_length=16)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # A small WebP for tiles, made once on first use (enhance/exports.py), stored beside the original.
    thumbnail = models.FileField(blank=True)
    thumbnail_bytes = models.PositiveBigIntegerField(default=0)
    # At display size (WebP, 1600 px): the viewer's "before" until zoomed past fit (enhance/exports.py).
    display = models.FileField(blank=True)
    display_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} ({self.width}×{self.height})"


class Enhancement(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    RESTORE_CHOICES = [(mode, label) for mode, label, _ in messages.RESTORE_CHOICES]
    ACTIVE = (Status.QUEUED, Status.RUNNING)
    BROWSER_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF")
    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enhancements")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="enhancements")
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="enhancements")

    result = models.FileField(upload_to=result_upload_to, blank=True)
    result_width = models.PositiveIntegerField(null=True, blank=True)
    result_height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to=thumbnail_upload_to, blank=True)
    # Bytes stored for this job besides its upload (enhance.services.limits.stored_bytes sums them): the result
    # with its thumbnail, set when the job finishes; the download formats cached beside it (enhance.exports).
    result_bytes = models.PositiveBigIntegerField(default=0)
    export_bytes = models.PositiveBigIntegerField(default=0)
    # The result at display size (WebP), what the result page shows until zoomed past fit (enhance/exports.py).
    preview = models.FileField(blank=True)
    preview_bytes = models.PositiveBigIntegerField(default=0)

    model_requested = models.CharField(max_length=64, default="default")
    model_resolved = models.CharField(max_length=64, blank=True)
    weights_hash = models.CharField(max_length=64, blank=True)
    scale = models.PositiveSmallIntegerField(default=2)
    quality_check = models.BooleanField(default=False)
    check_degradation = models.CharField(
        max_length=20,
        default="clean",
        help_text="The quality check's low-resolution input: clean, jpeg:Q or noise:S (as `evaluate --degradation`).",
    )
    check_model = models.CharField(
        max_length=64, blank=True, help_text="The model the quality check restored with (default routes on its input)."
    )
    restore = models.CharField(
        max_length=8,
        choices=RESTORE_CHOICES,
        default="auto",
        help_text="For `default`: restore JPEG blocks and noise when detected (auto), never, or always (strong).",
    )
    fit = models.CharField(
        max_length=8,
        choices=messages.FIT_CHOICES,
        default="scale",
        help_text="scale: × scale; width, height, box: resized down to the target (aspect kept) after the model "
        "scale that reaches it.",
    )
    target_width = models.PositiveIntegerField(null=True, blank=True, help_text="As asked (fit width or box).")
    target_height = models.PositiveIntegerField(null=True, blank=True, help_text="As asked (fit height or box).")
    output_format = models.CharField(
        max_length=8, choices=messages.FORMAT_CHOICES, default="png", help_text="The result's default download."
    )
    output_quality = models.PositiveSmallIntegerField(
        default=rendering.DEFAULT_QUALITY, help_text="JPEG/WebP quality, 1–100."
    )
    route = models.CharField(
        max_length=8,
        blank=True,
        choices=[(r, r) for r in mlcore.ROUTES],
        help_text="Which of `default`'s models ran: clean, photo, jpeg or noise (empty for a model chosen by name).",
    )
    jpeg_quality = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Estimated from the upload.")
    noise_sigma = models.FloatField(null=True, blank=True, help_text="Estimated noise σ (0–255) of the upload.")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="The cause of a failure, for staff.")
    device = models.CharField(max_length=16, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    psnr_model = models.FloatField(null=True, blank=True)
    ssim_model = models.FloatField(null=True, blank=True)
    psnr_bicubic = models.FloatField(null=True, blank=True)
    ssim_bicubic = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return f"#{self.pk} {self.original_name} ×{self.scale} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def output_size(self) -> tuple[int, int]:
        """What the job makes: the upload × scale, or the target size (a quality check's restorations are only
        measured)."""
        if self.result_width and self.result_height:
            return self.result_width, self.result_height
        return self.planned_size or (self.original_width * self.scale, self.original_height * self.scale)

    @property
    def planned_size(self) -> tuple[int, int] | None:
        """The size a target asks for (the model's upscale is resized down to it); None when by scale."""
        targets = {"target_width": self.target_width, "target_height": self.target_height}
        return fitted_size(self.original_width, self.original_height, fit=self.fit, **targets)

    @property
    def processing_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    # The original's facts, read through the upload (pages, API and downloads name them so).
    original = property(lambda self: self.upload.file)
    original_name = property(lambda self: self.upload.name)
    original_bytes = property(lambda self: self.upload.bytes)
    original_format = property(lambda self: self.upload.format)
    original_width = property(lambda self: self.upload.width)
    original_height = property(lambda self: self.upload.height)

    @property
    def original_drawable(self) -> bool:
        """A browser draws the original file itself (past fit the viewer shows it; else its display image)."""
        return self.original_format in self.BROWSER_FORMATS

    @property
    def check_degradation_label(self) -> str:
        return messages.degradation_label(self.check_degradation)

    @property
    def restoring(self) -> bool:
        """A restoring model (photo, JPEG or noise) ran instead of the clean one."""
        return self.route in mlcore.RESTORING_ROUTES

    @property
    def model_note(self) -> str:
        """Why ``default`` became this model, in plain words ("" for a model chosen by name)."""
        if self.model_requested != "default" or not self.model_resolved:
            return ""
        if self.route == "jpeg":
            return messages.NOTE_JPEG.format(quality=self.jpeg_quality)
        if self.route == "noise":
            return messages.NOTE_NOISE.format(sigma=self.noise_sigma)
        if self.route == "photo":
            if self.restore == "strong":
                return messages.NOTE_PHOTO_STRONG
            if self.jpeg_quality is not None and self.jpeg_quality <= mlcore.JPEG_QUALITY_THRESHOLD:
                return messages.NOTE_PHOTO_JPEG.format(quality=self.jpeg_quality)
            return messages.NOTE_PHOTO_NOISE.format(sigma=self.noise_sigma)
        if self.restore == "off":
            return messages.NOTE_CLEAN_OFF
        if self.jpeg_quality is not None:
            return messages.NOTE_CLEAN_FINE_JPEG.format(quality=self.jpeg_quality)
        if self.noise_sigma is not None:
            return messages.NOTE_CLEAN
        return ""

    @property
    def original_stem(self) -> str:
        return PurePosixPath(self.original_name).stem or "image"
