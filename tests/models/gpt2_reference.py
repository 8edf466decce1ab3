"""An independent GPT-2 forward pass in numpy, on Hugging Face weights, to check the converter."""

from __future__ import annotations

import numpy as np

EPS = 1e-5


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + EPS) * weight + bias)


def _gelu_new(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))))


def _attention(x: np.ndarray, w: dict[str, np.ndarray], p: str, n_head: int) -> np.ndarray:
    t, e = x.shape
    qkv = x @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: x @ (in, out)
    q, k, v = (m.reshape(t, n_head, e // n_head).transpose(1, 0, 2) for m in np.split(qkv, 3, -1))
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(e // n_head)
    scores = np.where(np.tril(np.ones((t, t), bool)), scores, -np.inf)
    scores = np.exp(scores - scores.max(-1, keepdims=True))
    scores /= scores.sum(-1, keepdims=True)
    out = (scores @ v).transpose(1, 0, 2).reshape(t, e)
    return np.asarray(out @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"])


def gpt2_logits(weights: dict[str, np.ndarray], tokens: list[int], n_head: int) -> np.ndarray:
    """Logits (len(tokens), vocab) of GPT-2 with HF-named float32 `weights` (no prefix)."""
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    x = w["wte.weight"][tokens] + w["wpe.weight"][: len(tokens)]
    layer = 0
    while f"h.{layer}.ln_1.weight" in w:
        p = f"h.{layer}."
        x = x + _attention(_layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"]), w, p, n_head)
        h = _layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"])
        h = _gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        layer += 1
    x = _layer_norm(x, w["ln_f.weight"], w["ln_f.bias"])
    return np.asarray(x @ w["wte.weight"].T)
