"""API views (docs/spec.md §3): validate → call the pages' services and selectors → serialize.

Errors are raised, never built here: ``enhance.api_errors`` turns each into ``{"error": "…"}``.
"""

import base64

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enhance import messages, selectors, services, throttles, tokens, validation
from enhance import serializers as s
from enhance.models import Enhancement
from enhance.throttles import (
    SignInLocked,
    TokenRateThrottle,
    UploadRateThrottle,
    client_address,
    signin_attempt,
    signin_succeeded,
)

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
        responses={201: s.EnhancementCreatedSerializer, **errors(400, 413, 429)},
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.validated_data
        enhancement = services.enhancement_create(
            owner=request.user,
            upload=options["image"],
            scale=options["scale"],
            model=options["model"],
            quality_check=options["quality_check"],
            restore=options["restore"],
            queue=True,
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
            result = selectors.enhancement_result_file(enhancement=enhancement, export=query.validated_data["output"])
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
            signin_attempt(**attempt)
        except SignInLocked as locked:
            raise throttles.Throttled(locked.wait_seconds, str(locked)) from None
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signin_succeeded(**attempt)
        return Response({"token": tokens.token_create(user=serializer.validated_data["user"])})


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI, its start-up script served as a file (the split view). It adds a ``<style>`` element of its
    own, so this one page allows inline styles; scripts stay the site's files only."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        policy = settings.SRSITE_CONTENT_SECURITY_POLICY
        response["Content-Security-Policy"] = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        return response
