"""Convert a Hugging Face GPT-2 checkpoint (config.json + model.safetensors) to GGUF.

Tensors are read one at a time from the safetensors file while the project's GGUF writer streams
them out, so converting GPT-2 XL never holds the model in memory twice.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_format import (
    FILE_TYPE_F16,
    FILE_TYPE_F32,
    Gpt2Config,
    TensorSpec,
    expected_shapes,
    gguf_tensor_name,
    hf_stores_transposed,
    storage_dtype,
    write_gpt2_gguf,
)
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.engine.shapes import MAX_CONTEXT, MAX_HEADS, MAX_LAYERS, MAX_WIDTH, MIN_CONTEXT
from keyboard_app.files import (
    NotEnoughSpace,
    UnusableFile,
    check_free_space,
    human_size,
    is_same_file,
    read_json,
)
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.progress import Progress, ProgressCallback, check_cancel

log = logging.getLogger(__name__)

FILE_TYPES = {"f32": FILE_TYPE_F32, "f16": FILE_TYPE_F16}
CONFIG_MAX_BYTES = 1 << 20  # a GPT-2 config.json is about 1 KB
# Buffers of the attention's causal mask, and the output head tied to `wte`: not weights to write.
_SKIPPED = re.compile(r"(transformer\.)?((h\.\d+\.attn\.(bias|masked_bias))|lm_head\.weight)")
# What a GGUF holds besides the weights: GPT-2's tokenizer (about 2 MB) and the metadata.
_NOT_WEIGHTS_BYTES = 2 << 20
# NumPy's `tofile` reports a short write (what a full disk causes) with this text and no errno.
_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written")


def read_config(folder: Path) -> Gpt2Config:
    """The GPT-2 shape from `config.json`, refusing anything that is not a plain GPT-2."""
    path = folder / "config.json"
    try:
        raw = read_json(path, CONFIG_MAX_BYTES)
    except FileNotFoundError as exc:
        raise ModelManagerError(
            f"{folder} has no config.json; is it a Hugging Face checkpoint?"
        ) from exc
    except (OSError, UnusableFile) as exc:
        raise ModelManagerError(f"{path} cannot be read as JSON: {exc}.") from exc
    if not isinstance(raw, dict):
        raise ModelManagerError(f"{path} is not a model description (a JSON object).")
    return _gpt2_config(path, raw)


def _gpt2_config(path: Path, raw: dict[str, Any]) -> Gpt2Config:
    if raw.get("model_type") != "gpt2":
        raise ModelManagerError(
            f"{path} describes a {raw.get('model_type', 'unknown')!r} model; "
            "only GPT-2 can be converted."
        )
    try:
        config = Gpt2Config(
            n_layer=int(raw["n_layer"]),
            n_embd=int(raw["n_embd"]),
            n_head=int(raw["n_head"]),
            n_ctx=int(raw.get("n_positions", raw.get("n_ctx", 1024))),
            n_vocab=int(raw.get("vocab_size", 50257)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelManagerError(f"{path} lacks a valid GPT-2 shape ({exc}).") from exc
    _check_config(path, raw, config)
    return config


def _check_config(path: Path, raw: dict[str, Any], config: Gpt2Config) -> None:
    """Refuse what is not GPT-2, and sizes beyond any GPT-2's before anything is allocated for
    them (a config.json with 100 million layers made the conversion exhaust memory)."""
    problems = _size_problems(config)
    if config.n_vocab != 50257:
        problems.append(f"a vocabulary of {config.n_vocab} tokens instead of GPT-2's 50,257")
    if raw.get("n_inner") not in (None, config.n_ff):
        problems.append(f"a feed-forward width of {raw['n_inner']} instead of {config.n_ff}")
    if raw.get("activation_function", "gelu_new") not in ("gelu_new", "gelu_pytorch_tanh"):
        problems.append(f"the activation {raw['activation_function']!r}")
    if problems:
        reasons = "; ".join(problems)
        raise ModelManagerError(f"{path} is not a GPT-2 this app can run: it has {reasons}.")


def _size_problems(config: Gpt2Config) -> list[str]:
    bounds = (
        ("layers", config.n_layer, 1, MAX_LAYERS),
        ("width", config.n_embd, 1, MAX_WIDTH),
        ("heads", config.n_head, 1, MAX_HEADS),
        ("context", config.n_ctx, MIN_CONTEXT, MAX_CONTEXT),
    )
    problems = [
        f"{value:,} {what} (from {low} to {high:,} are possible)"
        for what, value, low, high in bounds
        if not low <= value <= high
    ]
    if not problems and config.n_embd % config.n_head:
        problems.append(f"a width of {config.n_embd} that {config.n_head} heads cannot share")
    return problems


def _gguf_name(hf_name: str) -> str | None:
    """The GGUF name of a checkpoint tensor, or None for tensors that are not written."""
    if _SKIPPED.fullmatch(hf_name):
        return None
    name = gguf_tensor_name(hf_name)
    if name is None:
        raise ModelManagerError(
            f"The checkpoint has an unexpected tensor {hf_name!r}; is it GPT-2?"
        )
    return name


@contextmanager
def _open_safetensors(path: Path) -> Iterator[Any]:
    from safetensors import SafetensorError, safe_open

    if not path.is_file():
        raise ModelManagerError(f"{path.parent} has no model.safetensors.")
    try:
        with safe_open(str(path), framework="numpy") as handle:
            yield handle
    except SafetensorError as exc:
        raise ModelManagerError(f"{path} is not a readable safetensors file ({exc}).") from exc


def _specs(
    handle: Any, path: Path, config: Gpt2Config, file_type: int, loaded: Callable[[], None]
) -> list[TensorSpec]:
    """What to write for each tensor of the safetensors file `path`, open as `handle`."""
    specs: dict[str, TensorSpec] = {}
    for hf_name in handle.keys():  # noqa: SIM118 (a safetensors handle, not a dict)
        name = _gguf_name(hf_name)
        if name is None:
            continue
        tensor = handle.get_slice(hf_name)
        shape = tuple(tensor.get_shape())
        transpose = hf_stores_transposed(name)
        if transpose:
            shape = shape[::-1]
        dtype = storage_dtype(shape, file_type)
        read = (
            partial(_read_bfloat16, path, hf_name)
            if tensor.get_dtype() == "BF16"
            else partial(handle.get_tensor, hf_name)
        )

        def load(
            read: Callable[[], np.ndarray] = read, flip: bool = transpose, d: np.dtype = dtype
        ) -> np.ndarray:
            loaded()
            array = read()
            return np.ascontiguousarray(array.T if flip else array, dtype=d)

        specs[name] = TensorSpec(name, shape, dtype, load)
    _check_shapes(config, {n: s.shape for n, s in specs.items()})
    return list(specs.values())


def _read_bfloat16(path: Path, key: str) -> np.ndarray:
    """The bfloat16 tensor `key` of the safetensors file `path`, as float32 (NumPy has no
    bfloat16): a bfloat16 is the upper half of the float32 of the same value, so its 16 bits
    shifted up are that float32. The header was checked by safetensors when the file was opened."""
    with path.open("rb") as file:
        header_size = int.from_bytes(file.read(8), "little")
        entry = json.loads(file.read(header_size))[key]
        begin, end = entry["data_offsets"]
        file.seek(8 + header_size + begin)
        raw = np.frombuffer(file.read(end - begin), dtype="<u2")
    shape = tuple(int(n) for n in entry["shape"])
    return (raw.astype("<u4") << 16).view("<f4").reshape(shape)


def _check_shapes(config: Gpt2Config, got: dict[str, tuple[int, ...]]) -> None:
    expected = expected_shapes(config)
    missing = [n for n in expected if n not in got]
    if missing:
        raise ModelManagerError(
            f"The checkpoint is missing {len(missing)} tensor(s), e.g. {missing[0]}; "
            "the download may be incomplete or it is not GPT-2."
        )
    for name, shape in got.items():
        if expected.get(name) != shape:
            raise ModelManagerError(
                f"Tensor {name} has shape {shape} but config.json implies {expected.get(name)}."
            )


def check_config(folder: Path, expected: Gpt2Config) -> None:
    """ModelManagerError unless `folder` holds a GPT-2 config.json of the shape `expected`."""
    config = read_config(folder)
    if config != expected:
        raise ModelManagerError(
            f"its config.json describes {_shape_text(config)}, not {_shape_text(expected)}."
        )


def check_safetensors(path: Path) -> None:
    """ModelManagerError unless `path` is a readable safetensors file (its header and layout;
    the weights are not read)."""
    with _open_safetensors(path):
        pass


def _shape_text(config: Gpt2Config) -> str:
    return (
        f"{config.n_layer} layers x {config.n_embd} ({config.n_head} heads, "
        f"context {config.n_ctx}, {config.n_vocab} tokens)"
    )


def convert_checkpoint(
    folder: Path,
    out: Path,
    *,
    out_type: str = "f32",
    name: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Convert the checkpoint in `folder` to a GGUF at `out` (f32 or f16), validated, atomically."""
    if out_type not in FILE_TYPES:
        raise ModelManagerError(f"Cannot convert to {out_type!r}; choose f32 or f16.")
    folder, out = Path(folder), Path(out)
    if folder.is_dir() and any(is_same_file(out, file) for file in folder.iterdir()):
        raise ModelManagerError(
            f"Cannot convert {folder} into {out}, a file of the checkpoint itself: name another "
            "file to write (the checkpoint is kept)."
        )
    config = read_config(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    size = _gguf_bytes(config, FILE_TYPES[out_type])
    try:
        check_free_space(out.parent, size)
    except NotEnoughSpace as exc:
        raise ModelManagerError(str(exc)) from exc
    weights = folder / "model.safetensors"
    with _open_safetensors(weights) as handle:
        count = [0]
        total = len(expected_shapes(config))

        def loaded() -> None:
            check_cancel(cancel, "The conversion")
            if progress is not None:
                progress(Progress("convert", count[0], total))
            count[0] += 1

        specs = _specs(handle, weights, config, FILE_TYPES[out_type], loaded)
        try:
            write_gpt2_gguf(
                out, config, specs, name=name or folder.name, file_type=FILE_TYPES[out_type]
            )
        except OSError as exc:
            raise ModelManagerError(_write_error(out, exc, size)) from exc
        except (TypeError, ValueError) as exc:  # e.g. weights of a type NumPy cannot read
            raise ModelManagerError(f"Cannot convert {folder}: {exc}") from exc
    try:
        validate_gguf(out)
    except ModelError as exc:
        out.unlink(missing_ok=True)
        raise ModelManagerError(f"The converted file failed validation: {exc}") from exc
    log.info("converted %s -> %s (%s)", folder, out, out_type)
    return out


def _gguf_bytes(config: Gpt2Config, file_type: int) -> int:
    """About how large the GGUF of a model of the shape `config` is."""
    return _NOT_WEIGHTS_BYTES + sum(
        math.prod(shape) * storage_dtype(shape, file_type).itemsize
        for shape in expected_shapes(config).values()
    )


def _write_error(out: Path, error: OSError, size: int) -> str:
    """Why writing `out` (about `size` bytes) failed, for a person."""
    if error.errno == errno.EDQUOT:
        return f"Cannot write {out}: the disk quota is used up (the file needs about {human_size(size)})."
    if error.errno == errno.ENOSPC or (error.errno is None and _SHORT_WRITE.search(str(error))):
        return f"Cannot write {out}: the disk is full (the file needs about {human_size(size)})."
    return f"Cannot write {out}: {error.strerror or error}."
