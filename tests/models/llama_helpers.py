"""llama.cpp ground truth for tests (full logits of a validated GGUF), and crafted GGUF files."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

from keyboard_app.engine.gguf_validate import validate_gguf


def llama_logits(path: Path, tokens: list[int]) -> np.ndarray:
    """Logits (len(tokens), vocab) llama.cpp computes for `tokens` with the model at `path`."""
    import llama_cpp

    validate_gguf(path)
    # An f32 key/value cache, so the comparison measures the weights, not cache rounding.
    llm = llama_cpp.Llama(
        model_path=str(path),
        n_ctx=64,
        n_threads=2,
        logits_all=True,
        type_k=llama_cpp.GGML_TYPE_F32,
        type_v=llama_cpp.GGML_TYPE_F32,
        verbose=False,
    )
    try:
        llm.eval(tokens)
        return np.array(llm.scores[: len(tokens)], dtype=np.float64)
    finally:
        llm.close()


def patched_gguf(source: Path, dest: Path, key: str, value: bytes) -> Path:
    """A copy of `source` with the first bytes of metadata `key`'s value replaced by `value`."""
    field = gguf.GGUFReader(source).fields[key]
    offset = field.offset + 8 + len(key) + 4  # key length, key, value type
    if field.types[0] == gguf.GGUFValueType.ARRAY:
        offset += 4 + 8 + 8  # element type, count, first string's length
    data = bytearray(source.read_bytes())
    data[offset : offset + len(value)] = value
    dest.write_bytes(bytes(data))
    return dest


def read_tensor(path: Path, name: str) -> np.ndarray:
    """Tensor `name` of a GGUF file in numpy (rows, columns) order, read with gguf-py."""
    tensor = next(t for t in gguf.GGUFReader(path).tensors if t.name == name)
    shape = tuple(int(d) for d in reversed(tensor.shape))
    return np.asarray(tensor.data).reshape(shape)
