"""A small random-weight GPT-2 GGUF with the real vocabulary, for when the built-in model is absent.

Its predictions are meaningless, but it exercises every code path at realistic vocabulary size,
which is what the UI benchmark and the UI tests need.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keyboard_app.engine.gguf_format import (
    FILE_TYPE_F32,
    Gpt2Config,
    expected_shapes,
    specs_from_arrays,
    write_gpt2_gguf,
)

STAND_IN_CONFIG = Gpt2Config(n_layer=2, n_embd=64, n_head=2, n_ctx=256)


def write_stand_in_model(path: Path, config: Gpt2Config = STAND_IN_CONFIG, seed: int = 0) -> Path:
    """Write a GPT-2 GGUF with random weights (norms 1, biases 0) at `path`."""
    rng = np.random.default_rng(seed)
    arrays: dict[str, np.ndarray] = {}
    for name, shape in expected_shapes(config).items():
        if name.endswith("norm.weight"):
            arrays[name] = np.ones(shape, dtype=np.float32)
        elif len(shape) == 1:
            arrays[name] = np.zeros(shape, dtype=np.float32)
        else:
            arrays[name] = rng.normal(0.0, 0.5, size=shape).astype(np.float32)
    specs = specs_from_arrays(arrays, FILE_TYPE_F32)
    return write_gpt2_gguf(path, config, specs, name="stand-in-gpt2", file_type=FILE_TYPE_F32)
