"""GPT-2 GGUF files: the tensor names, metadata and tokenizer llama.cpp's `gpt2` architecture expects.

This module and `gguf_validate` are the only code that knows the file format, and this module the
only one that knows how Hugging Face names GPT-2's tensors. The writer streams tensors one at a time
(`TensorSpec.load`), so converting GPT-2 XL never holds the model twice, and writes through
`files.atomic_path`, so a file at the target name is always complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

import gguf
import numpy as np

from keyboard_app.engine.shapes import MAX_CONTEXT
from keyboard_app.engine.tokenizer import END_OF_TEXT, END_OF_TEXT_ID, read_vocabulary
from keyboard_app.files import atomic_path
from keyboard_app.paths import gpt2_vocab_dir

ARCH = "gpt2"
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


class BlockLayer(NamedTuple):
    """One layer of a transformer block: its GGUF and Hugging Face names, and its output and input
    widths in units of the embedding width (a layer norm has no input width)."""

    gguf: str
    hf: str
    out_width: int
    in_width: int


#: Every layer of a GPT-2 block, in file order: the one table of block tensor names.
BLOCK_LAYERS = (
    BlockLayer("attn_norm", "ln_1", 1, 0),
    BlockLayer("attn_qkv", "attn.c_attn", 3, 1),
    BlockLayer("attn_output", "attn.c_proj", 1, 1),
    BlockLayer("ffn_norm", "ln_2", 1, 0),
    BlockLayer("ffn_up", "mlp.c_fc", 4, 1),
    BlockLayer("ffn_down", "mlp.c_proj", 1, 4),
)
#: The tensors outside the blocks: Hugging Face name -> GGUF name.
HF_GLOBAL_NAMES = {
    "wte.weight": "token_embd.weight",
    "wpe.weight": "position_embd.weight",
    "ln_f.weight": "output_norm.weight",
    "ln_f.bias": "output_norm.bias",
}
_GGUF_BY_HF_LAYER = {layer.hf: layer.gguf for layer in BLOCK_LAYERS}
_HF_BY_GGUF_LAYER = {layer.gguf: layer.hf for layer in BLOCK_LAYERS}
_HF_BY_GGUF_GLOBAL = {g: h for h, g in HF_GLOBAL_NAMES.items()}
_HF_BLOCK_NAME = re.compile(r"h\.(\d+)\.(.+)\.(weight|bias)")


def gguf_tensor_name(hf_name: str) -> str | None:
    """The GGUF name of a Hugging Face GPT-2 tensor (`transformer.` prefix or not), or None when
    `hf_name` is no GPT-2 weight this table knows."""
    name = hf_name.removeprefix("transformer.")
    if name in HF_GLOBAL_NAMES:
        return HF_GLOBAL_NAMES[name]
    match = _HF_BLOCK_NAME.fullmatch(name)
    if match is None or match.group(2) not in _GGUF_BY_HF_LAYER:
        return None
    index, part, kind = match.groups()
    return f"blk.{index}.{_GGUF_BY_HF_LAYER[part]}.{kind}"


def hf_tensor_name(gguf_name: str) -> str:
    """The Hugging Face name (without the `transformer.` prefix) of a GPT-2 GGUF tensor."""
    if gguf_name in _HF_BY_GGUF_GLOBAL:
        return _HF_BY_GGUF_GLOBAL[gguf_name]
    _, index, part, kind = gguf_name.split(".")
    return f"h.{index}.{_HF_BY_GGUF_LAYER[part]}.{kind}"


def hf_stores_transposed(gguf_name: str) -> bool:
    """Whether Hugging Face stores this tensor transposed: GPT-2's Conv1D layers keep their weights
    as (in, out), where GGUF has (out, in) like `nn.Linear`."""
    return (
        gguf_name.startswith("blk.") and gguf_name.endswith(".weight") and "norm" not in gguf_name
    )


def expected_shapes(config: Gpt2Config) -> dict[str, tuple[int, ...]]:
    """Numpy-order shapes (rows, columns) of every tensor of a GPT-2 GGUF (output tied)."""
    e = config.n_embd
    shapes: dict[str, tuple[int, ...]] = {
        "token_embd.weight": (config.n_vocab, e),
        "position_embd.weight": (config.n_ctx, e),
        "output_norm.weight": (e,),
        "output_norm.bias": (e,),
    }
    for i in range(config.n_layer):
        for layer in BLOCK_LAYERS:
            rows = layer.out_width * e
            weight = (rows, layer.in_width * e) if layer.in_width else (rows,)
            shapes[f"blk.{i}.{layer.gguf}.weight"] = weight
            shapes[f"blk.{i}.{layer.gguf}.bias"] = (rows,)
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


def token_list(encoder: dict[str, int]) -> list[str]:
    """The tokens of a vocabulary in id order, as a GGUF file lists them."""
    return sorted(encoder, key=encoder.__getitem__)


def _add_tokenizer(writer: gguf.GGUFWriter, vocab_dir: Path) -> None:
    encoder, merges = read_vocabulary(vocab_dir)
    tokens = token_list(encoder)
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
    """Write a GPT-2 GGUF at `path` atomically (complete, or not at all)."""
    specs = list(tensors)
    _check_specs(config, specs)
    with atomic_path(path) as temporary:
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
        finally:
            writer.close()
    return Path(path)
