"""Validate a GGUF before llama.cpp ever opens it.

llama.cpp's GGUF parser has a history of memory-safety bugs with crafted counts, lengths, offsets and
dimensions. This pure-Python reader bounds-checks every one of them against the file size, then checks
that the file is a GPT-2 model llama.cpp can run with our tokenizer. Only a file that passes is
handed to llama.cpp. The vocabulary must be GPT-2's own, token for token (the engine tokenizes
with GPT-2's encoding, so another vocabulary would turn its token ids into other words).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import gguf

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_format import (
    ARCH,
    Gpt2Config,
    expected_shapes,
    token_list,
)
from keyboard_app.engine.numbers import is_whole
from keyboard_app.engine.shapes import MAX_CONTEXT, MAX_HEADS, MAX_LAYERS, MAX_WIDTH, MIN_CONTEXT
from keyboard_app.engine.tokenizer import read_vocabulary
from keyboard_app.files import UnusableFile, open_regular_file
from keyboard_app.paths import gpt2_vocab_dir

MAX_TENSORS = 4096
MAX_KV = 1024
MAX_STRING = 1 << 20
# GPT-2's longest arrays are its 50,257 tokens (and their types) and 50,000 merges; its metadata
# is about 2 MB. These bounds keep a crafted file from costing minutes and gigabytes to refuse.
MAX_ARRAY = 1 << 17
MAX_ARRAY_ITEMS = 1 << 19
MAX_METADATA = 16 << 20
MAX_NAME = 63
MAX_ALIGNMENT = 1 << 16
# GGUF value types: fixed sizes of the scalar types, and the string / array tags.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q"}
_SCALARS.update({11: "<q", 12: "<d"})
_STRING, _ARRAY = 8, 9
_U32, _I32, _F32, _BOOL = 4, 5, 6, 7
_REQUIRED_KEY_TYPES: dict[str, tuple[int, ...]] = {
    "general.architecture": (_STRING,),
    "gpt2.context_length": (_U32,),
    "gpt2.embedding_length": (_U32,),
    "gpt2.feed_forward_length": (_U32,),
    "gpt2.block_count": (_U32,),
    "gpt2.attention.head_count": (_U32,),
    "gpt2.attention.layer_norm_epsilon": (_F32,),
    "tokenizer.ggml.model": (_STRING,),
    "tokenizer.ggml.tokens": (_ARRAY, _STRING),
    "tokenizer.ggml.merges": (_ARRAY, _STRING),
}
_OPTIONAL_KEY_TYPES: dict[str, tuple[int, ...]] = {
    "general.alignment": (_U32,),
    "tokenizer.ggml.pre": (_STRING,),
    "tokenizer.ggml.token_type": (_ARRAY, _I32),
    "tokenizer.ggml.add_bos_token": (_BOOL,),
    "tokenizer.ggml.bos_token_id": (_U32,),
    "tokenizer.ggml.eos_token_id": (_U32,),
}


# The arrays the checks read; every other array is skipped without being materialised.
_READ_ARRAYS = frozenset(
    key for key, kinds in (_REQUIRED_KEY_TYPES | _OPTIONAL_KEY_TYPES).items() if kinds[0] == _ARRAY
)


class _Malformed(Exception):
    pass


@dataclass
class GgufInfo:
    """What the validator learnt about a file."""

    path: Path
    size: int
    metadata: dict[str, Any]
    tensor_types: dict[str, str] = field(default_factory=dict)
    tensor_bytes: dict[str, int] = field(default_factory=dict)
    config: Gpt2Config | None = None

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", self.path.stem))

    @property
    def quantization(self) -> str:
        """The dominant storage type of the matrices (what the user thinks of as the quantization)."""
        counts: dict[str, int] = {}
        for name, kind in self.tensor_types.items():
            if name.endswith(".weight") and "norm" not in name:
                counts[kind] = counts.get(kind, 0) + 1
        return max(counts, key=counts.__getitem__) if counts else "unknown"

    def type_mix(self) -> dict[str, int]:
        mix: dict[str, int] = {}
        for kind in self.tensor_types.values():
            mix[kind] = mix.get(kind, 0) + 1
        return mix


class _Reader:
    """Reads the header, metadata and tensor table with ordinary reads, never a memory map: a
    mapped page of a file that another program truncates meanwhile kills the process (SIGBUS)."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self.file = file
        self.size = size
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.size:
            raise _Malformed(f"a field at byte {self.pos} runs past the end of the file")
        chunk = self.file.read(n)
        if len(chunk) != n:
            raise _Malformed(
                f"the file ended at byte {self.pos + len(chunk)} (is it being written?)"
            )
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self, limit: int = MAX_STRING) -> str:
        length = self.unpack("<Q")
        if length > limit:
            raise _Malformed(f"a string of {length} bytes at byte {self.pos} is too long")
        try:
            return self.take(length).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Malformed(f"a string at byte {self.pos} is not UTF-8") from exc

    def value(self, kind: int) -> Any:
        """A scalar or a string (an array's items too: arrays of arrays are refused)."""
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        raise _Malformed(f"unknown or nested value type {kind} at byte {self.pos}")

    def skip(self, n: int) -> None:
        """Move past `n` bytes without reading them."""
        if n < 0 or self.pos + n > self.size:
            raise _Malformed(f"a field at byte {self.pos} runs past the end of the file")
        self.file.seek(n, os.SEEK_CUR)
        self.pos += n

    def array_length(self, kind: int) -> int:
        """An array's item count, bounded by MAX_ARRAY and by what fits in the rest of the file."""
        count: int = self.unpack("<Q")
        if count > MAX_ARRAY:
            raise _Malformed(f"an array of {count} items at byte {self.pos} is too long")
        smallest = 8 if kind == _STRING else struct.calcsize(_SCALARS.get(kind, "<B"))
        if count * smallest > self.size - self.pos:
            raise _Malformed(f"an array of {count} items at byte {self.pos} cannot fit in the file")
        return count

    def array(self, kind: int, count: int) -> list[Any]:
        return [self.value(kind) for _ in range(count)]

    def skip_array(self, kind: int, count: int) -> None:
        """Move past an array that nothing reads: scalars in one step, strings one length each."""
        if kind in _SCALARS:
            self.skip(count * struct.calcsize(_SCALARS[kind]))
            return
        if kind != _STRING:
            raise _Malformed(f"unknown or nested value type {kind} at byte {self.pos}")
        for _ in range(count):
            length = self.unpack("<Q")
            if length > MAX_STRING:
                raise _Malformed(f"a string of {length} bytes at byte {self.pos} is too long")
            self.skip(length)


def _read_header(reader: _Reader) -> tuple[int, int]:
    if reader.take(4) != b"GGUF":
        raise _Malformed("it is not a GGUF file (wrong magic bytes)")
    version = reader.unpack("<I")
    if version not in (2, 3):
        raise _Malformed(f"GGUF version {version} is not supported")
    n_tensors, n_kv = reader.unpack("<Q"), reader.unpack("<Q")
    if n_tensors > MAX_TENSORS or n_kv > MAX_KV:
        raise _Malformed(f"implausible counts ({n_tensors} tensors, {n_kv} metadata keys)")
    return n_tensors, n_kv


def _read_metadata(reader: _Reader, n_kv: int) -> tuple[dict[str, Any], dict[str, tuple[int, ...]]]:
    """The metadata values, and each key's GGUF type (for arrays: the array tag and the item type).
    Arrays that nothing reads are skipped, not kept; the items of all arrays and the bytes of all
    metadata are bounded (MAX_ARRAY_ITEMS, MAX_METADATA)."""
    metadata: dict[str, Any] = {}
    kinds: dict[str, tuple[int, ...]] = {}
    items = 0
    start = reader.pos
    for _ in range(n_kv):
        key = reader.string(limit=256)
        if key in metadata or key in kinds:
            raise _Malformed(f"metadata key {key!r} appears twice")
        kind = reader.unpack("<I")
        if kind == _ARRAY:
            item_kind = reader.unpack("<I")
            kinds[key] = (kind, item_kind)
            count = reader.array_length(item_kind)
            items += count
            if items > MAX_ARRAY_ITEMS:
                raise _Malformed(f"its metadata arrays hold more than {MAX_ARRAY_ITEMS} items")
            if key in _READ_ARRAYS:
                metadata[key] = reader.array(item_kind, count)
            else:
                reader.skip_array(item_kind, count)
        else:
            kinds[key] = (kind,)
            metadata[key] = reader.value(kind)
            if key == "general.architecture":
                _check_architecture(metadata)  # a foreign model is named at once
        if reader.pos - start > MAX_METADATA:
            raise _Malformed(f"its metadata is larger than {MAX_METADATA >> 20} MiB")
    return metadata, kinds


def _check_key_types(metadata: dict[str, Any], kinds: dict[str, tuple[int, ...]]) -> None:
    """Keys llama.cpp reads must have the type it expects: it asserts, rather than reports, otherwise."""
    for key, expected in _REQUIRED_KEY_TYPES.items():
        if key not in kinds:
            raise _Malformed(f"metadata {key} is missing")
        if kinds[key] != expected:
            raise _Malformed(f"metadata {key} has the wrong type")
    for key, expected in _OPTIONAL_KEY_TYPES.items():
        if key in kinds and kinds[key] != expected:
            raise _Malformed(f"metadata {key} has the wrong type")
    epsilon = metadata["gpt2.attention.layer_norm_epsilon"]
    if not (math.isfinite(epsilon) and 0 < epsilon <= 0.1):
        raise _Malformed(f"layer-norm epsilon {epsilon!r} is invalid")
    if metadata.get("tokenizer.ggml.pre", "gpt-2") != "gpt-2":
        raise _Malformed("its pre-tokenizer is not GPT-2's")


def token_list_hash(tokens: list[str]) -> str:
    """A SHA-256 of a token list (its JSON text: every list of strings has exactly one)."""
    return hashlib.sha256(json.dumps(tokens, ensure_ascii=False).encode("utf-8")).hexdigest()


def _gpt2_tokens() -> list[str]:
    encoder, _ = read_vocabulary(gpt2_vocab_dir())
    return token_list(encoder)


@lru_cache(maxsize=1)
def gpt2_vocabulary_hash() -> str:
    """The hash of GPT-2's token list, from the shipped `encoder.json` (computed once)."""
    return token_list_hash(_gpt2_tokens())


def _first_difference(tokens: list[str]) -> str:
    """Where `tokens` first differs from GPT-2's (read only when a file is being refused)."""
    for index, (theirs, ours) in enumerate(zip(tokens, _gpt2_tokens(), strict=True)):
        if theirs != ours:
            return f"token {index} is {theirs[:40]!r} where GPT-2 has {ours!r}"
    return "the tokens differ"


def _check_vocabulary(metadata: dict[str, Any], n_vocab: int) -> None:
    tokens = metadata.get("tokenizer.ggml.tokens")
    if metadata.get("tokenizer.ggml.model") != "gpt2" or not isinstance(tokens, list):
        raise _Malformed("it does not carry the GPT-2 tokenizer")
    if len(tokens) != n_vocab:
        raise _Malformed(f"its vocabulary has {len(tokens)} tokens, GPT-2's has {n_vocab}")
    if token_list_hash(tokens) != gpt2_vocabulary_hash():
        raise _Malformed(f"its vocabulary is not GPT-2's ({_first_difference(tokens)})")
    types = metadata.get("tokenizer.ggml.token_type")
    if types is not None and (len(types) != n_vocab or not all(1 <= t <= 6 for t in types)):
        raise _Malformed("its token types do not match the vocabulary")
    for key in ("tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"):
        if not 0 <= metadata.get(key, 0) < n_vocab:
            raise _Malformed(f"metadata {key} is outside the vocabulary")


def _tensor_nbytes(name: str, dims: list[int], kind: int) -> int:
    try:
        block, type_size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(kind)]
    except (ValueError, KeyError) as exc:
        raise _Malformed(f"tensor {name} has unknown type {kind}") from exc
    if dims[0] % block:
        raise _Malformed(f"tensor {name} rows are not a whole number of {block}-blocks")
    count = 1
    for d in dims:
        count *= d
    return count // block * type_size


def _read_tensors(reader: _Reader, n_tensors: int) -> list[tuple[str, list[int], int, int, int]]:
    tensors = []
    for _ in range(n_tensors):
        name = reader.string(limit=MAX_NAME)
        n_dims = reader.unpack("<I")
        if not 1 <= n_dims <= 4:
            raise _Malformed(f"tensor {name} has {n_dims} dimensions")
        dims = [reader.unpack("<Q") for _ in range(n_dims)]
        if any(not 1 <= d <= 1 << 31 for d in dims):
            raise _Malformed(f"tensor {name} has an impossible shape {dims}")
        kind, offset = reader.unpack("<I"), reader.unpack("<Q")
        tensors.append((name, dims, kind, offset, _tensor_nbytes(name, dims, kind)))
    return tensors


def _check_layout(
    tensors: list[tuple[str, list[int], int, int, int]], data_start: int, alignment: int, size: int
) -> None:
    names = [t[0] for t in tensors]
    if len(set(names)) != len(names):
        raise _Malformed("two tensors share a name")
    end_of_previous = 0
    for name, _, _, offset, nbytes in sorted(tensors, key=lambda t: t[3]):
        if offset % alignment or offset < end_of_previous:
            raise _Malformed(f"tensor {name} has a misaligned or overlapping offset")
        if data_start + offset + nbytes > size:
            raise _Malformed(f"tensor {name} runs past the end of the file (truncated?)")
        end_of_previous = offset + nbytes


def _int_key(metadata: dict[str, Any], key: str, low: int, high: int) -> int:
    value = metadata.get(key)
    if not is_whole(value, low, high):
        raise _Malformed(f"metadata {key} is {value!r}, expected a number from {low} to {high}")
    return value


def _check_architecture(metadata: dict[str, Any]) -> None:
    arch = metadata.get("general.architecture")
    if arch != ARCH:
        raise _Malformed(f"its architecture is {arch!r}; keyboard-app runs GPT-2 models only")


def _gpt2_config(metadata: dict[str, Any]) -> Gpt2Config:
    n_embd = _int_key(metadata, "gpt2.embedding_length", 1, MAX_WIDTH)
    n_head = _int_key(metadata, "gpt2.attention.head_count", 1, MAX_HEADS)
    if n_embd % n_head:
        raise _Malformed("the embedding width is not divisible by the number of heads")
    config = Gpt2Config(
        n_layer=_int_key(metadata, "gpt2.block_count", 1, MAX_LAYERS),
        n_embd=n_embd,
        n_head=n_head,
        n_ctx=_int_key(metadata, "gpt2.context_length", MIN_CONTEXT, MAX_CONTEXT),
    )
    _int_key(metadata, "gpt2.feed_forward_length", config.n_ff, config.n_ff)
    return config


def _check_tensors(config: Gpt2Config, tensors: list[tuple[str, list[int], int, int, int]]) -> None:
    shapes = {name: tuple(reversed(dims)) for name, dims, *_ in tensors}
    for name, shape in expected_shapes(config).items():
        if shapes.get(name) != shape:
            raise _Malformed(f"tensor {name} is {shapes.get(name, 'missing')}, expected {shape}")
    output = shapes.get("output.weight")
    if output is not None and output != (config.n_vocab, config.n_embd):
        raise _Malformed(f"tensor output.weight has shape {output}")


def validate_gguf(path: str | Path) -> GgufInfo:
    """Check that `path` is a well-formed GPT-2 GGUF; raise ModelError naming the file and reason."""
    path = Path(path)
    try:
        with open_regular_file(path) as file:
            size = os.fstat(file.fileno()).st_size
            if size < 24:
                # A short note renamed .gguf is no model at all; the start of one is cut short.
                cut = b"GGUF".startswith(file.read(4))
                reason = "it is empty or truncated" if cut else "it is not a GGUF file"
                raise ModelError(f"Model file {path} cannot be used: {reason}.")
            return _validate_file(path, file, size)
    except UnusableFile as exc:  # a pipe, a device, a folder: never read (a pipe would block)
        raise ModelError(f"{path} is {exc.kind}, not a model file.") from exc
    except FileNotFoundError as exc:
        raise ModelError(f"Model file {path} does not exist.") from exc
    except OSError as exc:
        raise ModelError(f"Model file {path} cannot be read: {exc.strerror or exc}.") from exc
    except _Malformed as exc:
        raise ModelError(f"Model file {path} cannot be used: {exc}.") from exc


def _validate_file(path: Path, file: BinaryIO, size: int) -> GgufInfo:
    reader = _Reader(file, size)
    n_tensors, n_kv = _read_header(reader)
    metadata, kinds = _read_metadata(reader, n_kv)
    tensors = _read_tensors(reader, n_tensors)
    alignment = metadata.get("general.alignment", 32)
    if not isinstance(alignment, int) or not 1 <= alignment <= MAX_ALIGNMENT:
        raise _Malformed(f"alignment {alignment!r} is invalid")
    if alignment & (alignment - 1):
        raise _Malformed(f"alignment {alignment} is not a power of two")
    data_start = -(-reader.pos // alignment) * alignment
    _check_layout(tensors, data_start, alignment, size)
    _check_architecture(metadata)  # before the keys: a foreign model lacks GPT-2's keys
    _check_key_types(metadata, kinds)
    config = _gpt2_config(metadata)
    _check_vocabulary(metadata, config.n_vocab)
    _check_tensors(config, tensors)
    types = {name: gguf.GGMLQuantizationType(kind).name for name, _, kind, _, _ in tensors}
    sizes = {name: nbytes for name, _, _, _, nbytes in tensors}
    return GgufInfo(path, size, metadata, types, sizes, config)
