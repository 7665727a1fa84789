"""API views (docs/spec.md §3): validate → call the pages' services and selectors → serialize.

Errors are raised, never built here: ``enhance.api_errors`` turns each into ``{"error": "…"}``.
"""

import base64
import uuid

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enhance import archives, messages, selectors, services, throttles, tokens, validation
from enhance import serializers as s
from enhance.models import Enhancement
from enhance.throttles import TokenRateThrottle, UploadRateThrottle, client_address

Status = Enhancement.Status
ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=text)
    for code, text in [
        (400, "Refused, with the message of docs/spec.md §3."),
        (401, "No or bad credentials."),
        (404, "No such enhancement of yours."),
        (409, "Not possible in the enhancement's state."),
        (413, "File too large."),
        (429, "Too many uploads; see Retry-After."),
        (500, "The job failed; it can be retried."),
    ]
}


def errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in (401, *codes)}


class FileOrJsonNegotiation(DefaultContentNegotiation):
    """A client asking for ``image/*`` gets the file, not a 406 (the file bypasses DRF's renderers)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


class UploadImageView(GenericAPIView):
    """Store an image and queue its enhancement: 201 with where to find the result."""

    serializer_class = s.UploadSerializer
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [UploadRateThrottle]

    def throttled(self, request, wait):
        raise throttles.Throttled(wait, throttles.too_many_uploads_message(wait))

    @extend_schema(
        operation_id="upload_img",
        tags=["images"],
        responses={201: s.EnhancementCreatedSerializer, **errors(400, 404, 413, 429)},
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = dict(serializer.validated_data)
        batch = options.get("batch")
        if batch is not None and not selectors.batch_exists_for_user(user=request.user, batch=batch):
            raise exceptions.NotFound(messages.NO_SUCH_BATCH)  # someone else's too: nothing says it exists
        enhancement = services.enhancement_create(
            owner=request.user, upload=options.pop("image"), queue=True, **options
        )
        body = s.EnhancementCreatedSerializer(enhancement, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class DisplayView(APIView):
    """Your newest enhancement's result, or `?id=N`'s: the file when done, 202 with the progress while it runs."""

    content_negotiation_class = FileOrJsonNegotiation

    @extend_schema(
        operation_id="display",
        tags=["images"],
        parameters=[s.DisplayQuerySerializer],
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The result as an attachment."),
            (200, "application/json"): s.Base64ImageSerializer,
            202: s.EnhancementProgressSerializer,
            **errors(400, 404, 409, 500),
        },
    )
    def get(self, request):
        query = s.DisplayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        enhancement = self.enhancement(query.validated_data.get("id"))
        if enhancement.is_active:
            return Response(s.EnhancementProgressSerializer(enhancement).data, status=status.HTTP_202_ACCEPTED)
        if enhancement.status == Status.FAILED:
            raise validation.EnhancementError(messages.FAILED, status=500)
        if enhancement.status == Status.CANCELLED:
            raise validation.EnhancementError(messages.CANCELLED, status=409)
        if enhancement.status == Status.NEW:
            raise validation.EnhancementError(messages.NOT_QUEUED_YET, status=409)
        if query.validated_data["size"] == "preview":
            result = selectors.enhancement_preview_file(enhancement=enhancement)
        else:
            result = selectors.enhancement_result_file(
                enhancement=enhancement, export=query.validated_data.get("output")
            )
        if query.validated_data["format"] == "base64":
            with result.open() as file:
                data = base64.b64encode(file.read()).decode("ascii")
            return Response({"image": f"data:{result.content_type};base64,{data}"})
        return FileResponse(
            result.open(), as_attachment=True, filename=result.filename, content_type=result.content_type
        )

    def enhancement(self, enhancement_id: int | None) -> Enhancement:
        if enhancement_id is not None:
            return selectors.enhancement_get_for_user(user=self.request.user, enhancement_id=enhancement_id)
        latest = selectors.enhancement_latest_for_user(user=self.request.user)
        if latest is None:
            raise exceptions.NotFound(messages.NO_ENHANCEMENTS_YET)
        return latest


class EnhancementPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema(tags=["enhancements"], responses={200: s.EnhancementSerializer, **errors(404)})
class EnhancementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your enhancements, newest first: read, delete, cancel, retry, run again, queue a draft."""

    serializer_class = s.EnhancementSerializer
    pagination_class = EnhancementPagination
    queryset = Enhancement.objects.none()  # the real one is per user, in get_queryset
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.enhancement_list_for_user(user=self.request.user)

    def get_object(self) -> Enhancement:
        return selectors.enhancement_get_for_user(user=self.request.user, enhancement_id=self.kwargs["pk"])

    @extend_schema(responses={200: s.EnhancementSerializer(many=True), **errors(404)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={204: None, **errors(404)})
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.enhancement_delete(enhancement=instance)

    @extend_schema(
        parameters=[s.StatusQuerySerializer], responses={200: s.EnhancementStatusListSerializer, **errors(400)}
    )
    @action(detail=False, methods=["get"], url_path="status", pagination_class=None)
    def statuses(self, request):
        """The state of several of your enhancements in one request (ids you do not own are left out)."""
        ids = services.parse_status_ids(request.query_params.get("ids"))
        return Response({"items": services.enhancement_statuses(user=request.user, ids=ids)})

    @extend_schema(request=None, responses={200: s.EnhancementSerializer, **errors(404, 409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.respond(services.enhancement_cancel(enhancement=self.get_object()))

    @extend_schema(request=None, responses={200: s.EnhancementSerializer, **errors(404, 409)})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return self.respond(services.enhancement_retry(enhancement=self.get_object()))

    @extend_schema(request=s.JobOptionsSerializer, responses={200: s.EnhancementSerializer, **errors(400, 404, 409)})
    @action(detail=True, methods=["post"], serializer_class=s.JobOptionsSerializer)
    def queue(self, request, pk=None):
        """Queue a draft made on the upload page (state `new`) with these settings."""
        enhancement = self.get_object()  # someone else's id is a 404 before any 400
        return self.respond(services.enhancement_queue(enhancement=enhancement, **self.job_options()))

    @extend_schema(request=s.JobOptionsSerializer, responses={201: s.EnhancementSerializer, **errors(400, 404)})
    @action(detail=True, methods=["post"], serializer_class=s.JobOptionsSerializer)
    def rerun(self, request, pk=None):
        """A new enhancement from the same original with another model or scale."""
        enhancement = self.get_object()
        copy = services.enhancement_rerun(enhancement=enhancement, **self.job_options())
        return self.respond(copy, status=status.HTTP_201_CREATED)

    def job_options(self) -> dict:
        serializer = s.JobOptionsSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def respond(self, enhancement: Enhancement, status: int = status.HTTP_200_OK) -> Response:
        return Response(s.EnhancementSerializer(enhancement, context=self.get_serializer_context()).data, status=status)


@extend_schema(
    tags=["batches"],
    parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The batch's id.")],
)
class BatchViewSet(viewsets.ViewSet):
    """A batch of your enhancements (uploaded together): its numbers and states, and its results as a ZIP."""

    lookup_value_regex = r"[0-9a-fA-F-]{32,36}"
    content_negotiation_class = FileOrJsonNegotiation

    def items(self, pk) -> tuple[uuid.UUID, list[Enhancement]]:
        try:
            batch = uuid.UUID(pk)
        except ValueError:
            raise exceptions.NotFound(messages.NO_SUCH_BATCH) from None
        items = list(selectors.enhancement_batch_for_user(user=self.request.user, batch=batch))
        if not items:
            raise exceptions.NotFound(messages.NO_SUCH_BATCH)
        return batch, items

    @extend_schema(responses={200: s.BatchSerializer, **errors(404)})
    def retrieve(self, request, pk=None):
        batch, items = self.items(pk)
        urls = {
            "download": request.build_absolute_uri(reverse("api:batch-download", args=[batch])),
            "page": request.build_absolute_uri(reverse("enhance:batch", args=[batch])),
        }
        body = {
            "id": batch,
            **selectors.batch_progress(items),
            "items": [selectors.enhancement_status(item) for item in items],
            "urls": urls,
        }
        return Response(s.BatchSerializer(body).data)

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Every finished result (PNG), streamed as one ZIP."
            ),
            **errors(404, 409),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        batch, _ = self.items(pk)
        results = selectors.batch_results_for_user(user=request.user, batch=batch)
        if not results:
            raise validation.EnhancementError(messages.NOTHING_FINISHED, status=409)
        return archives.zip_response(results, archives.batch_filename(batch))


class ZooViewSet(viewsets.ViewSet):
    """The model zoo: scales, channels, parameters, FLOPs per output megapixel, measured PSNR/SSIM, defaults."""

    @extend_schema(tags=["models"], responses={200: s.ZooSerializer, **errors()})
    def list(self, request):
        return Response(s.ZooSerializer(selectors.model_zoo()).data)


class ObtainTokenView(ObtainAuthToken):
    """Username and password → a new API token (it replaces any earlier one: only its digest is kept)."""

    authentication_classes = []  # credentials only: a browser's session must not make this a CSRF check
    throttle_classes = [TokenRateThrottle]
    serializer_class = s.CredentialsSerializer

    @extend_schema(
        operation_id="auth_token",
        tags=["auth"],
        request=s.CredentialsSerializer,
        responses={200: s.TokenSerializer, 400: ERRORS[400], 429: ERRORS[429]},
    )
    def post(self, request, *args, **kwargs):
        attempt = {"username": str(request.data.get("username", "")), "address": client_address(request)}
        try:
            throttles.attempt("signin", **attempt)
        except throttles.Locked as locked:
            raise throttles.Throttled(locked.wait_seconds, str(locked)) from None
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        throttles.attempt_succeeded("signin", **attempt)
        return Response({"token": tokens.token_create(user=serializer.validated_data["user"])})
