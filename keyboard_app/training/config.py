"""The trainer's settings; the defaults reproduce the shipped built-in model.

Kept apart from the trainer so the command line can read the defaults without importing PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass

OPTIMIZERS = ("adamw", "muon")  # what `TrainConfig.optimizer` may name


@dataclass(frozen=True)
class TrainConfig:
    n_layer: int = 6
    n_embd: int = 256
    n_head: int = 4
    n_ctx: int = 256
    vocab_size: int = 16384  # rows trained: the most frequent tokens + the shared RARE row
    batch_size: int = 8
    learning_rate: float = 3e-3
    min_learning_rate: float = 1e-4
    warmup_steps: int = 300
    weight_decay: float = 0.1
    dropout: float = 0.1
    optimizer: str = "muon"  # Muon for the blocks' matrices and AdamW for the rest, or "adamw"
    minutes: float = 90.0
    max_steps: int | None = None  # stop after this many steps even if time is left
    eval_every_s: float = 300.0
    eval_windows: int = 160
    threads: int = 2
    seed: int = 1234
    # bfloat16 matrix products (autocast, and Muon's iterations); the weights stay float32. None: where
    # the CPU multiplies bfloat16 at least as fast as float32 (the shipped model's CPU did).
    bf16: bool | None = None
    compile: bool = True  # torch.compile the training step's forward and backward passes
