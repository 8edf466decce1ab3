"""GPT-2-shaped models with random weights, for benchmarks that must run without any download."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import numpy as np

from keyboard_app.engine.gguf_format import (
    FILE_TYPE_F16,
    Gpt2Config,
    TensorSpec,
    expected_shapes,
    storage_dtype,
    write_gpt2_gguf,
)

GPT2_SMALL = Gpt2Config(n_layer=12, n_embd=768, n_head=12)


def _random_tensor(name: str, shape: tuple[int, ...], seed: int, dtype: np.dtype) -> np.ndarray:
    if name.endswith("norm.weight"):
        return np.ones(shape, dtype)
    if name.endswith(".bias"):
        return np.zeros(shape, dtype)
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(dtype)


def random_specs(config: Gpt2Config, file_type: int, seed: int = 0) -> list[TensorSpec]:
    """Lazily generated random weights with the right shapes (one tensor in memory at a time)."""
    specs = []
    for index, (name, shape) in enumerate(expected_shapes(config).items()):
        dtype = storage_dtype(shape, file_type)
        load = partial(_random_tensor, name, shape, seed + index, dtype)
        specs.append(TensorSpec(name, shape, dtype, load))
    return specs


def write_random_gpt2(
    folder: Path | None = None, config: Gpt2Config = GPT2_SMALL, quant: str = "q8_0"
) -> Path:
    """Write a random GPT-2 GGUF (f16, then quantized with llama.cpp) and return its path."""
    from keyboard_app.models.quantize import quantize_gguf

    folder = Path(folder or tempfile.mkdtemp(prefix="keyboard-app-bench-"))
    f16 = write_gpt2_gguf(
        folder / "random-f16.gguf",
        config,
        random_specs(config, FILE_TYPE_F16),
        name=f"random GPT-2 {config.n_layer}x{config.n_embd}",
        file_type=FILE_TYPE_F16,
    )
    if quant == "f16":
        return f16
    quantized = quantize_gguf(f16, folder / f"random-{quant}.gguf", quant)
    f16.unlink()
    return quantized
