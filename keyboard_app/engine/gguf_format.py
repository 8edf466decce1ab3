"""GPT-2 GGUF files: the tensor names, metadata and tokenizer llama.cpp's `gpt2` architecture expects.

This module and `gguf_validate` are the only code that knows the file format. The writer streams
tensors one at a time (`TensorSpec.load`), so converting GPT-2 XL never holds the model twice, and
writes to a temporary name that is renamed into place only when complete.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import gguf
import numpy as np

from keyboard_app.engine.tokenizer import END_OF_TEXT, END_OF_TEXT_ID, read_vocabulary
from keyboard_app.paths import gpt2_vocab_dir

ARCH = "gpt2"
MAX_CONTEXT = 1024
LAYER_NORM_EPS = 1e-5
FILE_TYPE_F32 = 0
FILE_TYPE_F16 = 1


@dataclass(frozen=True)
class Gpt2Config:
    n_layer: int
    n_embd: int
    n_head: int
    n_ctx: int = MAX_CONTEXT
    n_vocab: int = 50257

    @property
    def n_ff(self) -> int:
        return 4 * self.n_embd


@dataclass(frozen=True)
class TensorSpec:
    """One tensor to write: GGUF name, numpy-order shape, dtype, and a loader called at write time."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    load: Callable[[], np.ndarray]


def block_tensor_names(layer: int) -> list[str]:
    """The GGUF names of one transformer block's tensors."""
    parts = ["attn_norm", "attn_qkv", "attn_output", "ffn_norm", "ffn_up", "ffn_down"]
    return [f"blk.{layer}.{p}.{kind}" for p in parts for kind in ("weight", "bias")]


def expected_shapes(config: Gpt2Config) -> dict[str, tuple[int, ...]]:
    """Numpy-order shapes (rows, columns) of every tensor of a GPT-2 GGUF (output tied)."""
    e, f = config.n_embd, config.n_ff
    shapes: dict[str, tuple[int, ...]] = {
        "token_embd.weight": (config.n_vocab, e),
        "position_embd.weight": (config.n_ctx, e),
        "output_norm.weight": (e,),
        "output_norm.bias": (e,),
    }
    for i in range(config.n_layer):
        shapes.update(
            {
                f"blk.{i}.attn_norm.weight": (e,),
                f"blk.{i}.attn_norm.bias": (e,),
                f"blk.{i}.attn_qkv.weight": (3 * e, e),
                f"blk.{i}.attn_qkv.bias": (3 * e,),
                f"blk.{i}.attn_output.weight": (e, e),
                f"blk.{i}.attn_output.bias": (e,),
                f"blk.{i}.ffn_norm.weight": (e,),
                f"blk.{i}.ffn_norm.bias": (e,),
                f"blk.{i}.ffn_up.weight": (f, e),
                f"blk.{i}.ffn_up.bias": (f,),
                f"blk.{i}.ffn_down.weight": (e, f),
                f"blk.{i}.ffn_down.bias": (e,),
            }
        )
    return shapes


def storage_dtype(shape: tuple[int, ...], file_type: int) -> np.dtype:
    """Matrices in the file's type; vectors (norms, biases) always f32, as llama.cpp expects."""
    if file_type == FILE_TYPE_F16 and len(shape) == 2:
        return np.dtype(np.float16)
    return np.dtype(np.float32)


def specs_from_arrays(arrays: dict[str, np.ndarray], file_type: int) -> Iterator[TensorSpec]:
    """Tensor specs for weights already in memory (tests, the trainer's export)."""
    for name, array in arrays.items():
        dtype = storage_dtype(array.shape, file_type)
        yield TensorSpec(name, tuple(array.shape), dtype, partial(array.astype, dtype))


def _add_metadata(writer: gguf.GGUFWriter, config: Gpt2Config, name: str, file_type: int) -> None:
    writer.add_name(name)
    writer.add_file_type(file_type)
    writer.add_context_length(config.n_ctx)
    writer.add_embedding_length(config.n_embd)
    writer.add_feed_forward_length(config.n_ff)
    writer.add_block_count(config.n_layer)
    writer.add_head_count(config.n_head)
    writer.add_layer_norm_eps(LAYER_NORM_EPS)


def _add_tokenizer(writer: gguf.GGUFWriter, vocab_dir: Path) -> None:
    encoder, merges = read_vocabulary(vocab_dir)
    tokens = sorted(encoder, key=encoder.__getitem__)
    types = [gguf.TokenType.CONTROL if t == END_OF_TEXT else gguf.TokenType.NORMAL for t in tokens]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges([f"{a} {b}" for a, b in merges])
    writer.add_bos_token_id(END_OF_TEXT_ID)
    writer.add_eos_token_id(END_OF_TEXT_ID)
    writer.add_add_bos_token(False)


def _check_specs(config: Gpt2Config, specs: list[TensorSpec]) -> None:
    expected = expected_shapes(config)
    got = {s.name: s.shape for s in specs}
    missing = sorted(set(expected) - set(got))
    if missing:
        raise ValueError(f"missing tensors: {', '.join(missing[:5])}")
    # An untied output matrix is optional: llama.cpp falls back to the token embedding.
    expected["output.weight"] = (config.n_vocab, config.n_embd)
    for name, shape in got.items():
        if expected.get(name) != shape:
            raise ValueError(f"tensor {name} has shape {shape}, expected {expected.get(name)}")


def write_gpt2_gguf(
    path: Path,
    config: Gpt2Config,
    tensors: Iterable[TensorSpec],
    *,
    name: str = "gpt2",
    file_type: int = FILE_TYPE_F32,
    vocab_dir: Path | None = None,
) -> Path:
    """Write a GPT-2 GGUF at `path` atomically (a `.part` file renamed when complete)."""
    specs = list(tensors)
    _check_specs(config, specs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    writer = gguf.GGUFWriter(temporary, ARCH)
    try:
        _add_metadata(writer, config, name, file_type)
        _add_tokenizer(writer, vocab_dir or gpt2_vocab_dir())
        for spec in specs:
            nbytes = int(np.prod(spec.shape)) * spec.dtype.itemsize
            writer.add_tensor_info(spec.name, spec.shape, spec.dtype, nbytes)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for spec in specs:
            writer.write_tensor_data(np.ascontiguousarray(spec.load(), dtype=spec.dtype))
        writer.close()
        os.replace(temporary, path)
    except BaseException:
        writer.close()
        temporary.unlink(missing_ok=True)
        raise
    return path
