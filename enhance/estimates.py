"""How long a job takes, from the model cards' measured seconds per output megapixel (``manage.py evaluate``,
``mlcore/weights/zoo.json``), and how long until each queued or running job is done (the fair queue ahead of
it, the running jobs' progress). Estimates, not promises: the zoo was measured on one machine."""

import heapq
import math
from dataclasses import dataclass
from statistics import median

from django.utils import timezone

import mlcore
from enhance import messages
from enhance.jobs import fair
from enhance.models import Enhancement

# After the last tile (what the progress bar counts) the worker encodes the PNG and the thumbnail: about
# 0.5 + 0.05 s per output megapixel on the 2-core VM of docs/speed.md (a 2400×1600 photo, Pillow 11).
FINISH_SECONDS_PER_MP = 0.6

Status = Enhancement.Status
SpeedTable = dict[tuple[str, int], float]  # (model, scale) → s/MP; FINISH: the encode's s/MP
FINISH = ("finish", 0)


@dataclass(frozen=True)
class Estimate:
    engine: float  # the model's tiles (the progress bar's 0–99 %)
    finish: float  # encoding and storing the result

    @property
    def seconds(self) -> float:
        return self.engine + self.finish


def speed_table() -> SpeedTable:
    """Seconds per output megapixel for every zoo model and scale, as the zoo measured them (``card_speeds``)
    × how much slower or faster this site's workers were on their last jobs (``worker_pace``)."""
    cards = card_speeds()
    pace = worker_pace(cards)
    return {key: rate * pace for key, rate in cards.items()}


CALIBRATION_JOBS = 20  # the last finished jobs compared with their estimate
MIN_CALIBRATION_JOBS = 3


def worker_pace(cards: SpeedTable) -> float:
    """The median of (processing time ÷ the cards' estimate) over the last finished jobs: the zoo was measured
    on one machine, the workers may be a GPU or a busy CPU; 1 until a few jobs have finished."""
    done = (
        Enhancement.objects.filter(status=Status.DONE, started_at__isnull=False, finished_at__isnull=False)
        .select_related("upload")
        .order_by("-finished_at")[:CALIBRATION_JOBS]
    )
    ratios = []
    for job in done:
        estimate = enhancement_estimate(job, table=cards)
        if estimate and estimate.seconds > 0:
            ratios.append(job.processing_seconds / estimate.seconds)
    return median(ratios) if len(ratios) >= MIN_CALIBRATION_JOBS else 1.0


def card_speeds() -> SpeedTable:
    """Seconds per output megapixel for every zoo model and scale: the median of what ``evaluate`` measured
    on its datasets; a model never measured (a new one, the photo model) gets its FLOPs × the seconds per
    FLOP of the measured networks of its architecture at that scale (of all measured networks if none): the
    architectures run at very different FLOP rates (runtimes, bfloat16 bodies, memory-bound small layers)."""
    table: SpeedTable = {FINISH: FINISH_SECONDS_PER_MP}
    unmeasured = []
    per_flop: dict[tuple[str | None, int], list[float]] = {}
    for entry in mlcore.list_models()["models"]:
        flops = entry.get("flops_per_mp") or {}
        for scale in entry["scales"]:
            rows = entry.get("measured", {}).get(str(scale), {}).values()
            measured = [row["seconds_per_mp"] for row in rows if row.get("seconds_per_mp")]
            if measured:
                table[(entry["name"], scale)] = median(measured)
                if flops.get(str(scale)):
                    rate = table[(entry["name"], scale)] / flops[str(scale)]
                    for key in ((entry["arch"], scale), (None, scale)):
                        per_flop.setdefault(key, []).append(rate)
            elif flops.get(str(scale)):
                unmeasured.append((entry["name"], entry["arch"], scale, flops[str(scale)]))
    for name, arch, scale, flops in unmeasured:
        rates = per_flop.get((arch, scale)) or per_flop.get((None, scale))
        if rates:
            table[(name, scale)] = flops * median(rates)
    return table


def job_estimate(
    *,
    model: str,
    scale: int,
    output_mp: float,
    final_mp: float | None = None,
    quality_check: bool = False,
    table: SpeedTable | None = None,
) -> Estimate | None:
    """The one estimate: ``model`` (a zoo name or ``default``) at ``scale`` making ``output_mp`` megapixels
    (then resized to ``final_mp``, the stored size, when a target asks for it). The quality check adds its
    restorations, each the size of the upload. None when the zoo has no speed for the model."""
    table = speed_table() if table is None else table
    try:
        name, _ = mlcore.resolve_model(model, scale)
    except mlcore.ModelError:
        return None
    rate = table.get((name, scale))
    if rate is None:
        return None
    model_mp = output_mp * (1 + 1 / scale**2) if quality_check else output_mp
    bicubic = table.get(("bicubic", scale), 0.0) * output_mp / scale**2 if quality_check else 0.0
    stored_mp = output_mp if final_mp is None else final_mp
    return Estimate(engine=rate * model_mp + bicubic, finish=table[FINISH] * stored_mp)


def enhancement_estimate(enhancement: Enhancement, *, table: SpeedTable | None = None) -> Estimate | None:
    """``job_estimate`` for a stored job (the model it resolved to when queued)."""
    width, height = enhancement.original_width * enhancement.scale, enhancement.original_height * enhancement.scale
    final_width, final_height = enhancement.output_size
    return job_estimate(
        model=enhancement.model_resolved or enhancement.model_requested,
        scale=enhancement.scale,
        output_mp=width * height / 1e6,
        final_mp=final_width * final_height / 1e6,
        quality_check=enhancement.quality_check,
        table=table,
    )


def _running_left(enhancement: Enhancement, estimate: Estimate | None, now) -> float | None:
    """Seconds until a running job is done: its model time projected from the pace of its tiles so far
    (blended with the estimate as progress grows), plus the finish, less the time already spent."""
    if estimate is None or enhancement.started_at is None:
        return None
    engine = estimate.engine
    if enhancement.progress > 0 and enhancement.heartbeat_at:
        paced = (enhancement.heartbeat_at - enhancement.started_at).total_seconds() * 100 / enhancement.progress
        weight = enhancement.progress / 100
        engine = weight * paced + (1 - weight) * engine
    spent = (now - enhancement.started_at).total_seconds()
    return max(0.0, engine + estimate.finish - spent)


def enhancement_seconds_left(*, enhancements: list[Enhancement]) -> dict[int, float | None]:
    """Seconds until each queued or running job in ``enhancements`` is done (None without an estimate).

    Every queued job is run in the fair order (``enhance.jobs.fair``) by the workers now busy (at least one):
    each starts when the first of them is free, so a queued job waits for the running jobs' remainders and
    every job the fair order puts before it.
    """
    wanted = {e.pk for e in enhancements if e.status in Enhancement.ACTIVE}
    if not wanted:
        return {}
    now, table = timezone.now(), speed_table()
    left: dict[int, float | None] = {}
    free_at = []  # when each busy worker is next free, seconds from now
    for job in Enhancement.objects.filter(status=Status.RUNNING).select_related("upload"):
        left[job.pk] = _running_left(job, enhancement_estimate(job, table=table), now)
        free_at.append(left[job.pk] or 0.0)
    free_at = free_at or [0.0]
    heapq.heapify(free_at)
    queued = {job.pk: job for job in Enhancement.objects.filter(status=Status.QUEUED).select_related("upload")}
    unknown = False  # a job ahead without an estimate: the ones after it have none either
    for pk in fair.predicted_order():
        if pk not in queued:
            continue
        estimate = None if unknown else enhancement_estimate(queued[pk], table=table)
        unknown = estimate is None
        start = heapq.heappop(free_at)
        done = start + (estimate.seconds if estimate else 0.0)
        heapq.heappush(free_at, done)
        left[pk] = None if unknown else done
        if wanted <= left.keys():
            break
    return {pk: left.get(pk) for pk in wanted}


def time_left_fields(*, enhancements: list[Enhancement]) -> dict[int, dict]:
    """``{"seconds_left", "time_left"}`` per job, as the status endpoints and the API give them: whole seconds
    (rounded up) and the words the pages show; both None for a finished job or one without an estimate."""
    left = enhancement_seconds_left(enhancements=enhancements)
    fields = {}
    for enhancement in enhancements:
        seconds = left.get(enhancement.pk)
        fields[enhancement.pk] = {
            "seconds_left": None if seconds is None else math.ceil(seconds),
            "time_left": messages.time_left(seconds),
        }
    return fields
