"""GPT-2 GGUF models with random weights and the real vocabulary, written with the project's writer.

They need no download and exercise every code path at the real vocabulary size, though their
predictions are meaningless: the latency benchmark times GPT-2-small-shaped ones (speed depends
only on the shapes), and the UI benchmark and the tests use a small stand-in model when the
built-in model is absent or when they need one of their own.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import numpy as np

from keyboard_app.engine.gguf_format import (
    FILE_TYPE_F16,
    FILE_TYPE_F32,
    Gpt2Config,
    TensorSpec,
    expected_shapes,
    storage_dtype,
    write_gpt2_gguf,
)

GPT2_SMALL = Gpt2Config(n_layer=12, n_embd=768, n_head=12)
STAND_IN_CONFIG = Gpt2Config(n_layer=2, n_embd=64, n_head=2, n_ctx=256)
# GPT-2's own initialisation: what the latency benchmark has always timed.
INIT_STD = 0.02
# Large enough that next-token probabilities are far from uniform, so that the likeliest tokens
# stand out and different sampling seeds give different continuations.
STAND_IN_STD = 0.5


def _random_tensor(
    name: str, shape: tuple[int, ...], seed: int, std: float, dtype: np.dtype
) -> np.ndarray:
    """Layer-norm gains 1, biases 0 (so the blocks start as a plain residual stream), and
    normally distributed matrices."""
    if name.endswith("norm.weight"):
        return np.ones(shape, dtype)
    if name.endswith(".bias"):
        return np.zeros(shape, dtype)
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape, dtype=np.float32) * std).astype(dtype)


def _random_specs(config: Gpt2Config, file_type: int, seed: int, std: float) -> list[TensorSpec]:
    """Lazily generated weights (one tensor in memory at a time), each from its own seed."""
    specs = []
    for index, (name, shape) in enumerate(expected_shapes(config).items()):
        dtype = storage_dtype(shape, file_type)
        load = partial(_random_tensor, name, shape, seed + index, std, dtype)
        specs.append(TensorSpec(name, shape, dtype, load))
    return specs


def write_random_gguf(
    path: Path,
    config: Gpt2Config,
    *,
    seed: int = 0,
    std: float = INIT_STD,
    file_type: int = FILE_TYPE_F32,
    name: str | None = None,
) -> Path:
    """Write a GPT-2 GGUF of shape `config` with random weights at `path` and return the path.

    The same arguments always give the same file.
    """
    return write_gpt2_gguf(
        path,
        config,
        _random_specs(config, file_type, seed, std),
        name=name or f"random GPT-2 {config.n_layer}x{config.n_embd}",
        file_type=file_type,
    )


def write_stand_in_model(path: Path, seed: int = 0) -> Path:
    """The small stand-in model (2 layers, 64 wide, 256 positions), for when the built-in one is
    absent; its name contains "stand-in" wherever the app shows it."""
    return write_random_gguf(
        path, STAND_IN_CONFIG, seed=seed, std=STAND_IN_STD, name="stand-in-gpt2"
    )


def write_random_gpt2(
    folder: Path | None = None, config: Gpt2Config = GPT2_SMALL, quant: str = "q8_0"
) -> Path:
    """Write a random GPT-2 GGUF (f16, then quantized with llama.cpp) and return its path."""
    from keyboard_app.models.quantize import quantize_gguf

    folder = Path(folder or tempfile.mkdtemp(prefix="keyboard-app-bench-"))
    f16 = write_random_gguf(folder / "random-f16.gguf", config, file_type=FILE_TYPE_F16)
    if quant == "f16":
        return f16
    quantized = quantize_gguf(f16, folder / f"random-{quant}.gguf", quant)
    f16.unlink()
    return quantized
