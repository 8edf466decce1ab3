"""The training loop: time-budgeted (optionally step-capped), seeded, resumable, keeping the best
validation checkpoint."""

from __future__ import annotations

import functools
import logging
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from keyboard_app.files import atomic_path
from keyboard_app.training.config import OPTIMIZERS, TrainConfig
from keyboard_app.training.corpus import load_split
from keyboard_app.training.dataset import BatchSampler, build_token_data, fixed_windows
from keyboard_app.training.model import Gpt2, ModelConfig
from keyboard_app.training.precision import Float32Muon, bfloat16_is_fast
from keyboard_app.training.vocab import RestrictedVocab

log = logging.getLogger(__name__)


def cpp_compiler_available() -> bool:
    """torch.compile's CPU backend builds C++ kernels, so it needs a compiler on the PATH."""
    return any(shutil.which(name) for name in ("g++", "clang++", "c++"))


@dataclass
class TrainState:
    step: int = 0
    elapsed_s: float = 0.0
    best_val_loss: float = math.inf
    history: list[dict[str, float]] | None = None


def _learning_rate(config: TrainConfig, step: int, progress: float) -> float:
    warmup = min(1.0, (step + 1) / config.warmup_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))
    return warmup * (
        config.min_learning_rate + (config.learning_rate - config.min_learning_rate) * cosine
    )


@torch.no_grad()
def evaluate(model: Gpt2, windows: np.ndarray, rare_row: int, n_rare: int) -> dict[str, float]:
    """Validation loss over the restricted vocabulary, and per GPT-2 token (a rare target's
    probability is its share of the RARE row's)."""
    model.eval()
    losses, rare = [], 0
    for start in range(0, len(windows), 8):
        batch = torch.from_numpy(windows[start : start + 8])
        losses.append(float(model.loss(batch)) * batch[:, 1:].numel())
        rare += int((batch[:, 1:] == rare_row).sum())
    model.train()
    targets = windows[:, 1:].size
    loss = sum(losses) / targets
    token_loss = loss + rare / targets * math.log(n_rare)
    return {"val_loss": loss, "val_token_loss": token_loss, "val_perplexity": math.exp(token_loss)}


def build_optimizers(model: Gpt2, config: TrainConfig, bf16: bool) -> list[torch.optim.Optimizer]:
    """AdamW for everything, or Muon for the blocks' matrices and AdamW for the rest. Muon's
    steps are scaled to AdamW's size (`match_rms_adamw`), so both share the learning rate; its
    iterations run in bfloat16 with `bf16`, else in float32."""
    if config.optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {config.optimizer!r}: use {' or '.join(OPTIMIZERS)}")
    lr, decay = config.learning_rate, config.weight_decay
    hidden = model.hidden_matrices() if config.optimizer == "muon" else []
    adamw = torch.optim.AdamW(model.param_groups(decay, hidden), lr=lr, betas=(0.9, 0.95))
    if not hidden:
        return [adamw]
    muon_class = torch.optim.Muon if bf16 else Float32Muon
    muon = muon_class(hidden, lr=lr, weight_decay=decay, adjust_lr_fn="match_rms_adamw")
    return [muon, adamw]


class Trainer:
    def __init__(self, corpus: Path, work_dir: Path, config: TrainConfig) -> None:
        self.config = config
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(config.seed)
        torch.set_num_threads(config.threads)
        tokens = build_token_data(load_split(corpus), self.work_dir / "data")
        self.vocab = RestrictedVocab.from_stream(tokens.train, config.vocab_size)
        self.train_rows = self.vocab.to_rows(tokens.train)
        self.val_windows = fixed_windows(
            self.vocab.to_rows(tokens.val), config.n_ctx, config.eval_windows
        )
        # The same loss on training text shows how much of the training split is memorised.
        self.train_windows = fixed_windows(self.train_rows, config.n_ctx, config.eval_windows)
        self.model = Gpt2(self.model_config())
        self.bf16 = bfloat16_is_fast() if config.bf16 is None else config.bf16
        self.optimizers = build_optimizers(self.model, config, self.bf16)
        self.sampler = BatchSampler(self.train_rows, config.n_ctx, config.batch_size, config.seed)
        self.state = TrainState(history=[])
        self._resume()

    def model_config(self) -> ModelConfig:
        c = self.config
        return ModelConfig(
            c.n_layer, c.n_embd, c.n_head, c.n_ctx, self.vocab.size, self.vocab.n_rare, c.dropout
        )

    @functools.cached_property
    def training_loss(self) -> Callable[[torch.Tensor], torch.Tensor]:
        """The loss used for steps: compiled and under bfloat16 autocast when configured.
        Evaluation always runs the plain float32 model, so reported losses are exact."""
        loss: Callable[[torch.Tensor], torch.Tensor] = self.model.loss
        if self.config.compile:
            if not cpp_compiler_available():
                raise ValueError(
                    "compiling the model needs a C++ compiler (g++ or clang++): install one, "
                    "or train with --no-compile (about 2x slower)"
                )
            loss = torch.compile(loss)
        if not self.bf16:
            return loss

        def autocast_loss(batch: torch.Tensor) -> torch.Tensor:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                return loss(batch)

        return autocast_loss

    @property
    def checkpoint_path(self) -> Path:
        return self.work_dir / "checkpoint.pt"

    @property
    def best_path(self) -> Path:
        return self.work_dir / "best.pt"

    def _resume(self) -> None:
        if not self.checkpoint_path.is_file():
            return
        saved = torch.load(self.checkpoint_path, weights_only=False)
        if saved["train_config"] != asdict(self.config):
            raise ValueError(
                f"{self.checkpoint_path} was made with other settings; use another --work-dir"
            )
        self.model.load_state_dict(saved["model"])
        for optimizer, state in zip(self.optimizers, saved["optimizers"], strict=True):
            optimizer.load_state_dict(state)
        self.sampler.rng.bit_generator.state = saved["sampler"]
        torch.set_rng_state(saved["torch_rng"])
        self.state = TrainState(**saved["state"])
        log.info("resumed at step %d (%.0f s trained)", self.state.step, self.state.elapsed_s)

    def _save(self, path: Path, payload: dict[str, Any]) -> None:
        with atomic_path(path) as temporary:
            torch.save(payload, temporary)

    def _checkpoint(self) -> None:
        self._save(
            self.checkpoint_path,
            {
                "train_config": asdict(self.config),
                "model": self.model.state_dict(),
                "optimizers": [optimizer.state_dict() for optimizer in self.optimizers],
                "sampler": self.sampler.rng.bit_generator.state,
                "torch_rng": torch.get_rng_state(),
                "state": asdict(self.state),
            },
        )

    def save_best(self, metrics: dict[str, float]) -> None:
        self._save(
            self.best_path,
            {
                "model_config": asdict(self.model_config()),
                "model": self.model.state_dict(),
                "frequent": self.vocab.frequent,
                "seen": self.vocab.seen,
                "metrics": metrics,
                "step": self.state.step,
                "elapsed_s": self.state.elapsed_s,
            },
        )

    def _evaluate_and_keep(self) -> dict[str, float]:
        rare_row, n_rare = self.vocab.rare_row, self.vocab.n_rare
        metrics = evaluate(self.model, self.val_windows, rare_row, n_rare)
        train_loss = evaluate(self.model, self.train_windows, rare_row, n_rare)["val_loss"]
        metrics.update(
            train_loss=train_loss, step=self.state.step, elapsed_s=round(self.state.elapsed_s, 1)
        )
        assert self.state.history is not None
        self.state.history.append(metrics)
        if metrics["val_loss"] < self.state.best_val_loss:
            self.state.best_val_loss = metrics["val_loss"]
            self.save_best(metrics)
        self._checkpoint()
        log.info(
            "step %d: validation loss %.4f (per GPT-2 token %.4f, perplexity %.1f), "
            "on training text %.4f",
            self.state.step,
            metrics["val_loss"],
            metrics["val_token_loss"],
            metrics["val_perplexity"],
            train_loss,
        )
        return metrics

    def run(self) -> dict[str, float]:
        """Train until the time budget is spent (measured in training time, across resumes) or
        `max_steps` are done; the learning-rate schedule follows whichever is nearer its end."""
        budget = self.config.minutes * 60
        max_steps = self.config.max_steps or math.inf
        tokens_per_step = self.config.batch_size * self.config.n_ctx
        last_eval = last_log = self.state.elapsed_s
        while self.state.elapsed_s < budget and self.state.step < max_steps:
            began = time.perf_counter()
            progress = max(self.state.elapsed_s / budget, self.state.step / max_steps)
            lr = _learning_rate(self.config, self.state.step, progress)
            loss = self.training_loss(torch.from_numpy(self.sampler.next()))
            self.model.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            for optimizer in self.optimizers:
                for group in optimizer.param_groups:
                    group["lr"] = lr
                optimizer.step()
            self.state.step += 1
            step_s = time.perf_counter() - began
            self.state.elapsed_s += step_s
            if self.state.elapsed_s - last_log >= 30:
                last_log = self.state.elapsed_s
                log.info(
                    "step %d loss %.4f lr %.2e %.0f tokens/s, %.1f min left",
                    self.state.step,
                    float(loss.detach()),
                    lr,
                    tokens_per_step / step_s,
                    (budget - self.state.elapsed_s) / 60,
                )
            if self.state.elapsed_s - last_eval >= self.config.eval_every_s:
                last_eval = self.state.elapsed_s
                self._evaluate_and_keep()
        return self._evaluate_and_keep()
