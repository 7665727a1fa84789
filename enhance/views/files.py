"""Media are private: every file goes through a view that checks its owner (docs/spec.md §6)."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from enhance import exports, messages, selectors, validation
from enhance.api_errors import error_response
from enhance.views.common import own_enhancement

# The display-sized images are made on first use where a row has none yet (rows older than previews).
FILE_KINDS = {
    "original": lambda enhancement: enhancement.original,
    "result": lambda enhancement: enhancement.result,
    "thumbnail": lambda enhancement: enhancement.thumbnail,
    "preview": exports.result_preview,
    "original-thumbnail": lambda enhancement: exports.upload_thumbnail(enhancement.upload),
    "original-display": lambda enhancement: exports.upload_display(enhancement.upload),
}


@login_required
@require_GET
def media(request, pk, kind):
    """An enhancement's original, result, their display-sized images, inline, to its owner only."""
    if kind not in FILE_KINDS:
        raise Http404
    field = FILE_KINDS[kind](own_enhancement(request, pk))
    if not field:
        raise Http404(messages.NOT_MADE_YET)
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    # Shown inline from the site's origin: never sniffed as HTML, never run as a page if opened on its own.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def download(request, pk):
    """The result as ``<original-stem>_x<scale>_<model>.<ext>``: the format the job chose (PNG unless chosen), or
    ``?format=png|jpeg|webp``."""
    export = request.GET.get("format", "").lower() or None
    try:
        result = selectors.enhancement_result_file(enhancement=own_enhancement(request, pk), export=export)
    except validation.EnhancementError as exc:  # larger than the format can hold
        return error_response(request, exc.status, "Download not possible", str(exc))
    if result is None:
        raise Http404
    return FileResponse(result.open(), as_attachment=True, filename=result.filename, content_type=result.content_type)
