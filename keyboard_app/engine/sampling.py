"""Choosing the next token: top-k, then top-p (nucleus), at a temperature; seeded for repeatability."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class SamplingParams:
    top_k: int = 40
    temperature: float = 1.0
    top_p: float = 1.0

    def __post_init__(self) -> None:
        if self.top_k < 0 or self.temperature < 0 or not 0 < self.top_p <= 1:
            raise ValueError("top-k and temperature must be >= 0, top-p in (0, 1]")

    @property
    def greedy(self) -> bool:
        return self.top_k == 1 or self.temperature == 0


def log_softmax(logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    shifted = logits.astype(np.float64) - float(np.max(logits))
    return shifted - float(np.log(np.sum(np.exp(shifted))))


def sample_token(
    logits: npt.NDArray[np.float32],
    params: SamplingParams,
    rng: np.random.Generator,
    banned: npt.NDArray[np.bool_] | None = None,
) -> int:
    """One token id drawn from `logits` under `params`; `banned` tokens are never drawn."""
    scores = logits.astype(np.float64)
    if banned is not None:
        scores = np.where(banned, -np.inf, scores)
    if params.greedy:
        return int(np.argmax(scores))
    k = params.top_k if 0 < params.top_k < scores.size else scores.size
    candidates = np.argpartition(-scores, k - 1)[:k]
    candidates = candidates[np.argsort(-scores[candidates], kind="stable")]
    chosen = scores[candidates] / params.temperature
    probs = np.exp(chosen - chosen[0])
    probs /= probs.sum()
    if params.top_p < 1:
        keep = int(np.searchsorted(np.cumsum(probs), params.top_p) + 1)
        candidates, probs = candidates[:keep], probs[:keep] / probs[:keep].sum()
    return int(candidates[rng.choice(candidates.size, p=probs)])
