import uuid

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enhance import archives, messages, selectors, services, throttles, validation
from enhance.models import Enhancement
from enhance.serializers import EnhancementProgressSerializer
from enhance.views.common import (
    came_from,
    client_rules,
    job_form_context,
    job_options,
    own_enhancement,
    with_time_left,
)

GALLERY_PAGE_SIZE = 24


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """docs/spec.md §2.1: one or several files; each is judged alone, bad ones are listed with their message."""
    refused = []
    if request.method == "POST":
        files = request.FILES.getlist("images")
        if not files:
            refused.append({"name": "", "message": messages.NO_FILE, "status": 400})
        batch, created, throttle = uuid.uuid4(), [], throttles.UploadRateThrottle()
        for upload_file in files:
            if not throttle.allow_request(request, None):  # each file counts as one API upload
                message = throttles.too_many_uploads_message(throttle.wait())
                refused.append({"name": upload_file.name, "message": message, "status": 429})
                continue
            try:
                created.append(services.enhancement_create(owner=request.user, upload=upload_file, batch=batch))
            except validation.EnhancementError as exc:
                refused.append({"name": upload_file.name, "message": str(exc), "status": exc.status})
        for item in refused:
            item["name"] = Truncator(item["name"]).chars(100)
        if created:
            for item in refused:
                flash.error(request, f"{item['name']}: {item['message']}")
            if len(created) == 1:
                return redirect("enhance:detail", pk=created[0].pk)
            return redirect("enhance:batch", batch=batch)
    context = {
        "refused": refused,
        "rules": client_rules(),
        "accepted": validation.ACCEPTED_LABEL,
        "limits": {"mb": validation.max_upload_bytes() // (1024 * 1024)},
    }
    # Every file refused for one reason: that reason's status (413, 429); mixed reasons: 400.
    statuses = {item["status"] for item in refused}
    status = (statuses.pop() if len(statuses) == 1 else 400) if refused else 200
    return render(request, "enhance/upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    """Preview while ``new`` (POST queues it), result page after."""
    enhancement = own_enhancement(request, pk)
    if enhancement.status == Enhancement.Status.NEW:
        error = None
        if request.method == "POST":
            try:
                services.enhancement_queue(enhancement=enhancement, **job_options(request))
                return redirect("enhance:detail", pk=pk)
            except validation.EnhancementError as exc:
                error = exc  # shown as its message, answered with its status (400, or 429 at a limit)
        form = job_form_context(enhancement.original_width, enhancement.original_height)
        context = {"enhancement": enhancement, "error": error, **form}
        return render(request, "enhance/preview.html", context, status=error.status if error else 200)
    if request.method == "POST":
        return redirect("enhance:detail", pk=pk)
    with_time_left([enhancement])
    context = {
        "enhancement": enhancement,
        "queue_position": selectors.enhancement_queue_position(enhancement=enhancement),
        "failed_message": messages.FAILED,
        "cancelled_message": messages.CANCELLED,
        **job_form_context(enhancement.original_width, enhancement.original_height, enhancement=enhancement),
    }
    return render(request, "enhance/result.html", context)


@login_required
@require_GET
def status(request, pk):
    """The live state the result page polls."""
    enhancement = own_enhancement(request, pk)
    return JsonResponse(EnhancementProgressSerializer(enhancement).data)


@login_required
@require_GET
def statuses(request):
    """``?ids=1,2,3``: every pending job of a page in one answer; a finished one comes with its tile's new
    HTML, so the page swaps that tile alone."""
    try:
        ids = services.parse_status_ids(request.GET.get("ids"))
    except validation.EnhancementError as exc:
        return JsonResponse({"error": str(exc)}, status=exc.status)
    return JsonResponse(_status_answer(request, ids))


@login_required
@require_GET
def batch_status(request, batch):
    """What ``statuses`` answers, for the batch page: its tiles carry cancel and retry, and the answer adds
    the batch's numbers (the overall bar)."""
    items = _own_batch(request, batch)
    try:
        ids = services.parse_status_ids(request.GET.get("ids"))
    except validation.EnhancementError as exc:
        return JsonResponse({"error": str(exc)}, status=exc.status)
    return JsonResponse(_status_answer(request, ids, batch_items=items))


def _status_answer(request, ids: list[int], *, batch_items: list[Enhancement] | None = None, tiles=()) -> dict:
    """The jobs' states; a finished job's (and those in ``tiles``) with its tile's HTML; with ``batch_items``
    (all of a batch's jobs), the tiles of the batch page and the batch's numbers."""
    items = services.enhancement_statuses(user=request.user, ids=ids)
    swap = {item["id"]: item for item in items if item["status"] not in Enhancement.ACTIVE or item["id"] in tiles}
    context = {"batch_actions": batch_items is not None}
    for enhancement in selectors.enhancement_list_for_user(user=request.user).filter(pk__in=swap):
        html = render_to_string("enhance/_tile.html", {"enhancement": enhancement, **context}, request=request)
        swap[enhancement.pk]["tile"] = html
    answer = {"items": items}
    if batch_items is not None:
        answer["batch"] = selectors.batch_progress(batch_items)
    return answer


def _own_batch(request, batch) -> list[Enhancement]:
    items = list(selectors.enhancement_batch_for_user(user=request.user, batch=batch))
    if not items:
        raise Http404(messages.NO_SUCH_BATCH)
    return items


@login_required
@require_GET
def batch_download(request, batch):
    """Every finished result of the batch in one ZIP, streamed from storage."""
    results = selectors.batch_results_for_user(user=request.user, batch=batch)
    if results is None:
        raise Http404(messages.NO_SUCH_BATCH)
    if not results:
        flash.error(request, messages.NOTHING_FINISHED)
        return redirect("enhance:batch", batch=batch)
    return archives.zip_response(results, archives.batch_filename(batch))


@login_required
@require_http_methods(["GET", "POST"])
def batch(request, batch):
    """Several files uploaded together: one settings form for all the ``new`` ones, then their states."""
    items = with_time_left(_own_batch(request, batch))
    drafts = [item for item in items if item.status == Enhancement.Status.NEW]
    error = None
    if request.method == "POST" and drafts:
        try:
            services.enhancement_queue_batch(enhancements=drafts, **job_options(request))
            return redirect("enhance:batch", batch=batch)
        except validation.EnhancementError as exc:
            error = exc
    smallest = min(drafts or items, key=lambda e: e.original_width * e.original_height)
    largest = max(drafts or items, key=lambda e: e.original_width * e.original_height)
    context = {
        "items": items,
        "drafts": drafts,
        "error": error,
        "batch": batch,
        "smallest": smallest,
        "progress": selectors.batch_progress(items),
        **job_form_context(
            largest.original_width,
            largest.original_height,
            images=[(item.original_width, item.original_height) for item in drafts or items],
        ),
    }
    return render(request, "enhance/batch.html", context, status=error.status if error else 200)


def _action(service, success: str):
    """A POST-only page action on one of the user's enhancements, back to its page. From a batch page's tile
    (``back=batch``): back to the batch page, or, asked for JSON (the page's script), the tile's new HTML and
    the batch's numbers as the status poll gives them, with the message."""

    @login_required
    @require_POST
    def view(request, pk):
        enhancement = own_enhancement(request, pk)
        error = None
        try:
            enhancement = service(enhancement=enhancement)
        except validation.EnhancementError as exc:
            error = exc
        from_batch = request.POST.get("back") == "batch"
        if from_batch and request.get_preferred_type(["text/html", "application/json"]) == "application/json":
            batch_items = _own_batch(request, enhancement.batch_id)
            answer = _status_answer(request, [enhancement.pk], batch_items=batch_items, tiles={enhancement.pk})
            return JsonResponse({**answer, "message": str(error or success)}, status=error.status if error else 200)
        if error:
            flash.error(request, str(error))
        else:
            flash.success(request, success)
        if from_batch:
            return redirect("enhance:batch", batch=enhancement.batch_id)
        return redirect("enhance:detail", pk=enhancement.pk)

    return view


cancel = _action(services.enhancement_cancel, messages.CANCEL_DONE)
retry = _action(services.enhancement_retry, messages.RETRY_DONE)


@login_required
@require_POST
def rerun(request, pk):
    """A new enhancement from the same original with another model or scale."""
    enhancement = own_enhancement(request, pk)
    try:
        copy = services.enhancement_rerun(enhancement=enhancement, **job_options(request))
    except validation.EnhancementError as exc:
        flash.error(request, str(exc))
        return redirect("enhance:detail", pk=pk)
    return redirect("enhance:detail", pk=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    """GET asks for confirmation; POST deletes the row and its files ("Change image" too)."""
    enhancement = own_enhancement(request, pk)
    if request.method == "POST":
        was_draft = enhancement.status == Enhancement.Status.NEW
        services.enhancement_delete(enhancement=enhancement)
        if was_draft:
            return redirect("enhance:upload")
        flash.success(request, messages.DELETED.format(name=enhancement.original_name))
        return redirect("enhance:gallery")
    back = came_from(request, default=reverse("enhance:detail", args=[pk]))  # "Keep it": gallery, batch or result
    return render(request, "enhance/delete.html", {"enhancement": enhancement, "back": back})


@login_required
@require_GET
def gallery(request):
    page = Paginator(selectors.enhancement_list_for_user(user=request.user), GALLERY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_time_left(list(page.object_list))
    return render(request, "enhance/gallery.html", {"page": page, "upload_url": reverse("enhance:upload")})
