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

from mlcore.data import Pair, PatchSampler
from mlcore.metrics import psnr, ssim

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
LOSSES = ("mse", "l1")
SCHEDULES = ("cosine", "step", "constant")
# Steps between reads of the loss: a read waits for the GPU to finish every queued step, so reading it
# each step would keep a GPU idle while Python samples and launches the next one.
LOSS_EVERY = 10


@dataclass
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
    seed: int = 0
    device: str = "cpu"
    init_from: str | None = None  # a safetensors file to start from (fine-tuning; shapes that match)
    # A time budget instead of a step count: the schedule follows the elapsed fraction of it and the run
    # ends when it is spent (the number of steps then depends on the machine; the history records it).
    minutes: float | None = None

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


def _initialise(net, path: str) -> None:
    """Copy the tensors of a weights file whose names and shapes match (e.g. ×2 body into ×4)."""
    from safetensors.torch import load_file

    own = net.state_dict()
    loaded = {k: v for k, v in load_file(path).items() if k in own and own[k].shape == v.shape}
    net.load_state_dict(loaded, strict=False)


def train(
    config: TrainConfig,
    train_pairs: list[Pair],
    val_pairs: list[Pair],
    emit: Callable[[Event], None] = lambda e: None,
    state: dict | None = None,
) -> dict:
    """Train a network; returns the final state (model, optimizer, history, best weights).

    ``state`` is a checkpoint from an earlier call with the same config (``--resume``).
    Events: ``start``, ``step`` (step, lr; every ``LOSS_EVERY`` steps also the mean loss since), ``epoch``
    (epoch, train_loss, val_psnr, val_ssim, seconds, is_best; the handler may save
    ``Event.data['state']``), ``end``.
    """
    import torch

    from mlcore.archs import build

    torch.manual_seed(config.seed)
    if config.device.startswith("cuda"):
        torch.backends.cudnn.benchmark = True  # fixed patch sizes: let cuDNN pick its fastest kernels
    net = build(config.arch, config.scale, config.arch_args).to(config.device)
    if config.init_from and state is None:
        _initialise(net, config.init_from)
    optimizer = make_optimizer(config.optimizer, net.parameters(), config.lr)
    sampler = PatchSampler(train_pairs, config.scale, config.patch_size, net.channels, config.seed)
    loss_fn = torch.nn.L1Loss() if config.loss == "l1" else torch.nn.MSELoss()
    history: list[dict] = []
    best = {"val_psnr": -math.inf, "weights": None, "epoch": 0}
    start_epoch, spent = 0, 0.0  # spent: seconds of training before this call (``--resume`` with a budget)
    if state is not None:
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        sampler.rng.bit_generator.state = state["sampler_rng"]
        torch.set_rng_state(state["torch_rng"])
        history, best, start_epoch = state["history"], state["best"], state["epoch"]
        spent = sum(row["seconds"] for row in history)
    emit(
        Event(
            "start",
            {
                "config": config.as_dict(),
                "params": net.num_parameters(),
                "start_epoch": start_epoch,
                "train_images": len(train_pairs),
                "val_images": len(val_pairs),
            },
        )
    )
    net.train()
    budget = config.minutes * 60 if config.minutes else None
    began = time.perf_counter() - spent

    def progress(step: int) -> float:
        """The fraction of the run done: of the time budget, or of the steps."""
        return (time.perf_counter() - began) / budget if budget else step / config.total_steps

    epoch = start_epoch
    while progress(epoch * config.steps_per_epoch) < 1:
        epoch += 1
        started, losses = time.perf_counter(), []
        for i in range(config.steps_per_epoch):
            step = (epoch - 1) * config.steps_per_epoch + i
            if progress(step) >= 1 and losses:
                break  # the time budget is spent: validate this (short) epoch and stop
            for group in optimizer.param_groups:
                group["lr"] = config.lr * lr_factor(config.schedule, progress(step))
            lr, hr = (_to_device(torch.from_numpy(a), config.device) for a in sampler.batch(config.batch_size))
            loss = loss_fn(net(lr), hr)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
            data = {"step": step + 1, "lr": optimizer.param_groups[0]["lr"]}
            if (step + 1) % LOSS_EVERY == 0:
                data["loss"] = torch.stack(losses[-LOSS_EVERY:]).mean().item()
            emit(Event("step", data))
        val_psnr, val_ssim = validate(net, val_pairs, config.scale, config.device) if val_pairs else (math.nan,) * 2
        is_best = not val_pairs or val_psnr > best["val_psnr"]
        if is_best:
            weights = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
            best = {"val_psnr": val_psnr, "val_ssim": val_ssim, "weights": weights, "epoch": epoch}
        row = {
            "epoch": epoch,
            "train_loss": torch.stack(losses).mean().item(),
            "val_psnr": val_psnr,
            "val_ssim": val_ssim,
            "seconds": time.perf_counter() - started,
            "lr": optimizer.param_groups[0]["lr"],
            "steps": len(losses),
        }
        history.append(row)
        state = {
            "model": net.state_dict(),
            "optimizer": optimizer.state_dict(),
            "epoch": epoch,
            "sampler_rng": sampler.rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(),
            "history": history,
            "best": best,
            "config": config.as_dict(),
        }
        emit(Event("epoch", {**row, "is_best": is_best, "state": state}))
    emit(Event("end", {"history": history, "best_epoch": best["epoch"]}))
    return {"net": net, "history": history, "best": best}


def save_state(state: dict, path: Path) -> None:
    """A resumable checkpoint: tensors and plain data only (loaded with ``weights_only=True``)."""
    import torch

    tmp = Path(path).with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def load_state(path: Path) -> dict:
    import torch

    return torch.load(path, map_location="cpu", weights_only=True)
