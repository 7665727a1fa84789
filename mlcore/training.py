"""The training loop: a function that emits events and never prints (STYLE habit 7).

Subscribers (progress bars, CSV/JSON writers, plots, checkpoints) live in the ``train`` command;
tests subscribe a collector.
"""

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from mlcore.data import DegradingSampler, Pair, PatchSampler, degrade_pairs, rescaled
from mlcore.metrics import psnr, ssim

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
LOSSES = ("mse", "l1")
SCHEDULES = ("cosine", "step", "constant")
# Steps between reads of the loss: a read waits for the GPU to finish every queued step, so reading it
# each step would keep a GPU idle while Python samples and launches the next one.
LOSS_EVERY = 10


@dataclass(frozen=True)
class TrainConfig:
    arch: str
    scale: int
    arch_args: dict = field(default_factory=dict)
    optimizer: str = "adam"
    lr: float = 1e-3
    schedule: str = "cosine"
    loss: str = "l1"
    epochs: int = 10
    steps_per_epoch: int = 500
    batch_size: int = 16
    patch_size: int = 48  # LR pixels
    seed: int = 0  # the patches, their augmentations and the initial weights
    split_seed: int = 0  # the validation images' degradations (train's --split-seed also draws the split itself)
    device: str = "cpu"
    init_from: str | None = None  # a safetensors file to start from (fine-tuning; shapes that match)
    # A time budget instead of a step count: the schedule follows the elapsed fraction of it and the run
    # ends when it is spent (the number of steps then depends on the machine; the history records it).
    minutes: float | None = None
    # LR made on the fly by a degradation pipeline (mlcore.degradations.PIPELINES) instead of the
    # precomputed bicubic LR; validation then uses one fixed degradation per image.
    degradation: str | None = None
    # The body's forward and backward in bfloat16 (SRNet.in_body_precision; weights, optimiser, head, tail and
    # validation stay float32): about 2× the steps per second on CPUs with AMX, and the arithmetic the CPU engine
    # runs edsr_lite in (mlcore.runtime.BF16_BODY_ON_CPU: ×2, and ×3 / ×4 with their views). Only architectures with
    # ``has_bf16_body``.
    bf16_body: bool = False
    # Scale augmentation: the training images also shrunk by each of these factors (mlcore.data.rescaled).
    rescale: tuple[float, ...] = ()
    # An exponential moving average of the weights (decay per step, e.g. 0.999): validated, kept as the best and
    # installed instead of the last step's weights, which the optimiser's noise moves around the plateau. Training
    # itself is unchanged (the average only follows it).
    ema: float | None = None

    def __post_init__(self):
        from mlcore.degradations import PIPELINES

        for value, allowed, what in (
            (self.optimizer, OPTIMIZERS, "optimizer"),
            (self.loss, LOSSES, "loss"),
            (self.schedule, SCHEDULES, "schedule"),
        ):
            if value not in allowed:
                raise ValueError(f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}.")
        if self.bf16_body:
            from mlcore.archs import ARCHS

            if self.arch in ARCHS and not ARCHS[self.arch].has_bf16_body:  # an unknown name fails at build
                with_body = ", ".join(name for name, cls in ARCHS.items() if cls.has_bf16_body)
                raise ValueError(f"{self.arch} has no body to run in bfloat16; --bf16-body is for {with_body}.")
        if self.degradation is not None and self.degradation not in PIPELINES:
            raise ValueError(f"Unknown degradation {self.degradation!r}; choose one of {', '.join(PIPELINES)}.")
        if self.minutes is None and (self.epochs < 1 or self.steps_per_epoch < 1):
            raise ValueError("Train for at least one epoch of at least one step.")
        if self.minutes is not None and self.minutes <= 0:
            raise ValueError("The time budget must be positive.")
        if any(not 0 < f < 1 for f in self.rescale):
            raise ValueError("Rescale factors shrink the training images: each must be between 0 and 1.")
        if self.batch_size < 1 or self.patch_size < 4 or self.lr <= 0:
            raise ValueError("Batch size, patch size and learning rate must be positive (patches of 4+ pixels).")
        if self.seed < 0 or self.split_seed < 0:
            raise ValueError("--seed and --split-seed must be 0 or more.")
        if self.ema is not None and not 0 < self.ema < 1:
            raise ValueError("--ema is the average's decay per step: between 0 and 1, such as 0.999.")

    @property
    def total_steps(self) -> int | None:
        return None if self.minutes else self.epochs * self.steps_per_epoch

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    kind: str  # "start", "step", "epoch", "end"
    data: dict


def make_optimizer(name: str, params, lr: float):
    import torch

    if name == "sgd":  # plain mini-batch gradient descent
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"Unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}.")


def lr_factor(schedule: str, progress: float) -> float:
    """Multiplier of the base learning rate at ``progress`` (0 → 1: the fraction of steps or time done)."""
    progress = min(progress, 1.0)
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * progress))
    if schedule == "step":
        return 0.5 ** sum(progress >= f for f in (0.5, 0.75))
    return 1.0


def validate(net, pairs: list[Pair], scale: int, device: str) -> tuple[float, float]:
    """Mean PSNR/SSIM on the validation images, through the same 8-bit path as inference."""
    from mlcore.inference import run_network

    net.eval()
    scores = [
        (psnr(sr, p.hr, scale=scale), ssim(sr, p.hr, scale=scale))
        for p in pairs
        for sr in [run_network(net, p.lr, scale, device)]
    ]
    net.train()
    return float(np.mean([s[0] for s in scores])), float(np.mean([s[1] for s in scores]))


def _to_device(batch, device: str):
    """A CPU batch on ``device``. To a GPU from pinned memory without waiting: the copy queues behind the
    steps still running there (a plain copy from pageable memory would wait for them to finish)."""
    if device.startswith("cuda"):
        return batch.pin_memory().to(device, non_blocking=True)
    return batch.to(device)


def _initialise(net, path: str) -> list[str]:
    """Copy the tensors of a weights file whose names and shapes match (e.g. ×2 body into ×4, 6 blocks into 8);
    returns the names of the net's tensors left as initialised (none match), so a partial start is never silent."""
    from safetensors.torch import load_file

    own = net.state_dict()
    loaded = {k: v for k, v in load_file(path).items() if k in own and own[k].shape == v.shape}
    net.load_state_dict(loaded, strict=False)
    return [name for name in own if name not in loaded]


@dataclass
class _Run:
    """The live objects of one training run."""

    net: object
    ema: object  # torch.optim.swa_utils.AveragedModel of net, or None
    fresh: list[str]  # the net's tensors ``init_from`` did not supply (empty without it)
    optimizer: object
    sampler: object
    loss_fn: object
    history: list[dict]
    best: dict
    epoch: int
    began: float  # perf_counter() at the run's start, minus time spent before a resume


def _sampler(config: TrainConfig, train_pairs: list[Pair], channels: str):
    if config.degradation is None:
        return PatchSampler(train_pairs, config.scale, config.patch_size, channels, config.seed)
    from mlcore.degradations import PIPELINES

    pipeline = PIPELINES[config.degradation]
    return DegradingSampler(train_pairs, config.scale, config.patch_size, channels, config.seed, pipeline)


def validation_pairs(config: TrainConfig, val_pairs: list[Pair]) -> list[Pair]:
    """The pairs validation scores: as given, or each with one fixed degradation of the run's pipeline."""
    if config.degradation is None:
        return val_pairs
    from mlcore.degradations import PIPELINES

    return degrade_pairs(val_pairs, config.scale, PIPELINES[config.degradation], config.split_seed)


def _setup(config: TrainConfig, train_pairs: list[Pair], state: dict | None) -> _Run:
    import torch

    from mlcore.archs import build

    torch.manual_seed(config.seed)
    if config.device.startswith("cuda"):
        torch.backends.cudnn.benchmark = True  # fixed patch sizes: let cuDNN pick its fastest kernels
    net = build(config.arch, config.scale, config.arch_args).to(config.device)
    fresh = _initialise(net, config.init_from) if config.init_from and state is None else []
    loss_fn = torch.nn.L1Loss() if config.loss == "l1" else torch.nn.MSELoss()
    ema = None
    if config.ema is not None:
        from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

        ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(config.ema))
    run = _Run(
        net=net,
        ema=ema,
        fresh=fresh,
        optimizer=make_optimizer(config.optimizer, net.parameters(), config.lr),
        sampler=_sampler(config, rescaled(train_pairs, config.rescale, config.scale), net.channels),
        loss_fn=loss_fn,
        history=[],
        best={"val_psnr": -math.inf, "weights": None, "epoch": 0},
        epoch=0,
        began=time.perf_counter(),
    )
    if state is not None:
        net.load_state_dict(state["model"])
        if ema is not None and "ema" in state:  # else the average starts at the resumed weights
            ema.load_state_dict(state["ema"])
        run.optimizer.load_state_dict(state["optimizer"])
        run.sampler.rng.bit_generator.state = state["sampler_rng"]
        torch.set_rng_state(state["torch_rng"])
        run.history, run.best, run.epoch = state["history"], state["best"], state["epoch"]
        run.began -= sum(row["seconds"] for row in run.history)  # a time budget counts the earlier part
    return run


def _progress(config: TrainConfig, run: _Run, step: int) -> float:
    """The fraction of the run done: of the time budget, or of the steps."""
    if config.minutes:
        return (time.perf_counter() - run.began) / (config.minutes * 60)
    return step / config.total_steps


def _step(config: TrainConfig, run: _Run, step: int):
    """One optimiser step at global ``step`` (0-based); returns the loss as a tensor (not read back)."""
    import torch

    for group in run.optimizer.param_groups:
        group["lr"] = config.lr * lr_factor(config.schedule, _progress(config, run, step))
    lr, hr = (_to_device(torch.from_numpy(a), config.device) for a in run.sampler.batch(config.batch_size))
    run.net.bf16_body = config.bf16_body
    try:
        loss = run.loss_fn(run.net(lr), hr)
    finally:
        run.net.bf16_body = False
    run.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    run.optimizer.step()
    if run.ema is not None:
        run.ema.update_parameters(run.net)
    return loss.detach()


def _epoch(config: TrainConfig, run: _Run, val_pairs: list[Pair], emit: Callable[[Event], None]) -> dict:
    """One epoch (shorter when the time budget runs out), then validation; returns the history row."""
    import torch

    run.epoch += 1
    started, losses = time.perf_counter(), []
    for i in range(config.steps_per_epoch):
        step = (run.epoch - 1) * config.steps_per_epoch + i
        if _progress(config, run, step) >= 1 and losses:
            break  # the time budget is spent: validate this (short) epoch and stop
        losses.append(_step(config, run, step))
        data = {"step": step + 1, "lr": run.optimizer.param_groups[0]["lr"]}
        if (step + 1) % LOSS_EVERY == 0:
            data["loss"] = torch.stack(losses[-LOSS_EVERY:]).mean().item()
        emit(Event("step", data))
    kept = run.net if run.ema is None else run.ema.module  # what is validated and installed
    val_psnr, val_ssim = validate(kept, val_pairs, config.scale, config.device) if val_pairs else (math.nan,) * 2
    if not val_pairs or val_psnr > run.best["val_psnr"]:
        weights = {k: v.detach().cpu().clone() for k, v in kept.state_dict().items()}
        run.best = {"val_psnr": val_psnr, "val_ssim": val_ssim, "weights": weights, "epoch": run.epoch}
    row = {
        "epoch": run.epoch,
        "train_loss": torch.stack(losses).mean().item(),
        "val_psnr": val_psnr,
        "val_ssim": val_ssim,
        "seconds": time.perf_counter() - started,
        "lr": run.optimizer.param_groups[0]["lr"],
        "steps": len(losses),
    }
    run.history.append(row)
    return row


def _snapshot(config: TrainConfig, run: _Run) -> dict:
    """A resumable checkpoint of the run (tensors and plain data only)."""
    import torch

    return {
        "model": run.net.state_dict(),
        **({"ema": run.ema.state_dict()} if run.ema is not None else {}),
        "optimizer": run.optimizer.state_dict(),
        "epoch": run.epoch,
        "sampler_rng": run.sampler.rng.bit_generator.state,
        "torch_rng": torch.get_rng_state(),
        "history": run.history,
        "best": run.best,
        "config": config.as_dict(),
    }


def train(
    config: TrainConfig,
    train_pairs: list[Pair],
    val_pairs: list[Pair],
    emit: Callable[[Event], None] = lambda e: None,
    state: dict | None = None,
) -> dict:
    """Train a network; returns the final state (model, history, best weights).

    ``state`` is a checkpoint from an earlier call with the same config (``--resume``). With
    ``config.degradation`` the LR of every patch is degraded on the fly and ``val_pairs`` get one fixed
    degradation each. Events: ``start`` (``init_fresh``: the net's tensors ``init_from`` did not supply),
    ``step`` (step, lr; every ``LOSS_EVERY`` steps also the mean loss since), ``epoch`` (epoch, train_loss,
    val_psnr, val_ssim, seconds, is_best; the handler may save ``Event.data['state']``), ``end``.
    """
    run = _setup(config, train_pairs, state)
    val_pairs = validation_pairs(config, val_pairs)
    start = {
        "config": config.as_dict(),
        "params": run.net.num_parameters(),
        "start_epoch": run.epoch,
        "train_images": len(train_pairs),
        "patch_images": len(run.sampler.weights),  # with the rescaled copies, less those too small for a patch
        "val_images": len(val_pairs),
        "init_fresh": run.fresh,
    }
    emit(Event("start", start))
    run.net.train()
    while _progress(config, run, run.epoch * config.steps_per_epoch) < 1:
        best_before = run.best["epoch"]
        row = _epoch(config, run, val_pairs, emit)
        is_best = run.best["epoch"] != best_before
        emit(Event("epoch", {**row, "is_best": is_best, "state": _snapshot(config, run)}))
    emit(Event("end", {"history": run.history, "best_epoch": run.best["epoch"]}))
    return {"net": run.net, "history": run.history, "best": run.best}


def save_state(state: dict, path: Path) -> None:
    """A resumable checkpoint: tensors and plain data only (loaded with ``weights_only=True``)."""
    import torch

    tmp = Path(path).with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def load_state(path: Path) -> dict:
    import torch

    return torch.load(path, map_location="cpu", weights_only=True)
