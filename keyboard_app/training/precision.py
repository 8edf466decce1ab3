"""bfloat16 where the CPU multiplies it fast, float32 elsewhere, Muon included.

bfloat16 products are fast only on CPUs that have them (AVX-512 BF16, AMX, recent Arm cores). On the
others (AVX2: most laptops, AMD before Zen 4) PyTorch emulates them, measured about 150 times slower than
float32 on an AMD EPYC (Zen 3), where a step of the built-in model's training took 55 s (1.3 s in float32).
PyTorch's Muon always runs its Newton-Schulz iterations in bfloat16, so `Float32Muon` does the same
step in float32 for those CPUs.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import cache
from typing import Any

import torch

log = logging.getLogger(__name__)
_PROBE_SHAPE = (256, 1024)  # the size of the built-in model's feed-forward products


@cache
def bfloat16_is_fast() -> bool:
    """Whether this CPU multiplies bfloat16 matrices at least as fast as float32 ones (measured)."""
    seconds = {dtype: _product_seconds(dtype) for dtype in (torch.float32, torch.bfloat16)}
    fast = seconds[torch.bfloat16] <= seconds[torch.float32]
    log.info(
        "bfloat16 products %s: %.2f ms against %.2f ms in float32",
        "used" if fast else "not used",
        1000 * seconds[torch.bfloat16],
        1000 * seconds[torch.float32],
    )
    return fast


def _product_seconds(dtype: torch.dtype, repeats: int = 3) -> float:
    """The best of a few timings of one (256 x 1024) x (1024 x 256) product, after a warm-up."""
    a = torch.ones(_PROBE_SHAPE, dtype=dtype)
    b = torch.ones(_PROBE_SHAPE[::-1], dtype=dtype)
    a @ b
    best = math.inf
    for _ in range(repeats):
        began = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - began)
    return best


def orthogonalize(
    matrix: torch.Tensor, coefficients: tuple[float, float, float], steps: int, eps: float
) -> torch.Tensor:
    """Muon's quintic Newton-Schulz iteration (as in PyTorch's Muon), in float32."""
    a, b, c = coefficients
    tall = matrix.size(0) > matrix.size(1)
    x = matrix.T if tall else matrix
    x = x.float() / x.norm().clamp(min=eps)  # a new tensor: `matrix` is left as it is
    for _ in range(steps):
        gram = x @ x.T
        x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
    return x.T if tall else x


def _adjusted_lr(lr: float, adjust_lr_fn: str | None, shape: torch.Size) -> float:
    """Muon's per-matrix learning rate (PyTorch's two rules)."""
    rows, columns = shape[:2]
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, columns))
    return lr * math.sqrt(max(1, rows / columns))


class Float32Muon(torch.optim.Muon):
    """`torch.optim.Muon` with the Newton-Schulz iterations in float32 rather than bfloat16.

    The same settings, parameter groups and state (`momentum_buffer`), so a checkpoint made with one
    loads in the other."""

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    self._update(param, group)
        return loss

    def _update(self, param: torch.Tensor, group: dict[str, Any]) -> None:
        grad = param.grad
        assert grad is not None
        momentum, lr = group["momentum"], group["lr"]
        state = self.state[param]
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = torch.zeros_like(grad)
        buffer = state["momentum_buffer"]
        buffer.lerp_(grad, 1 - momentum)
        update = grad.lerp(buffer, momentum) if group["nesterov"] else buffer
        update = orthogonalize(update, group["ns_coefficients"], group["ns_steps"], group["eps"])
        param.mul_(1 - lr * group["weight_decay"])
        param.add_(update, alpha=-_adjusted_lr(lr, group["adjust_lr_fn"], param.shape))
