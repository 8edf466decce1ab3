"""Quantize a GGUF with llama.cpp's own quantizer (through llama-cpp-python)."""

from __future__ import annotations

import ctypes
import logging
import os
from pathlib import Path

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.engine.llama_log import quiet_llama_cpp_unless_chosen
from keyboard_app.files import atomic_path, is_same_file
from keyboard_app.models.errors import ModelManagerError

log = logging.getLogger(__name__)

#: Quantization kind (as users type it) -> llama.cpp `llama_ftype` constant name.
QUANT_FTYPES: dict[str, str] = {
    "q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0",
    "q6_k": "LLAMA_FTYPE_MOSTLY_Q6_K",
    "q5_k_m": "LLAMA_FTYPE_MOSTLY_Q5_K_M",
    "q4_k_m": "LLAMA_FTYPE_MOSTLY_Q4_K_M",
    "q4_0": "LLAMA_FTYPE_MOSTLY_Q4_0",
    "f16": "LLAMA_FTYPE_MOSTLY_F16",
}
QUANT_KINDS: tuple[str, ...] = tuple(QUANT_FTYPES)


def _ftype(kind: str) -> int:
    import llama_cpp

    name = QUANT_FTYPES.get(kind.lower())
    if name is None:
        raise ModelManagerError(
            f"Unknown quantization type {kind!r}; choose one of: {', '.join(QUANT_KINDS)}."
        )
    return int(getattr(llama_cpp, name))


def quantize_gguf(src: Path, dst: Path, kind: str = "q8_0", n_threads: int | None = None) -> Path:
    """Write a `kind`-quantized copy of the GGUF `src` to `dst` and return `dst`.

    `src` is validated before llama.cpp parses it. llama.cpp writes to a temporary name
    (`files.atomic_path`), which is validated and renamed to `dst` only then, so a failed or
    interrupted run never leaves a file at `dst` that looks finished.
    """
    import llama_cpp

    src, dst = Path(src), Path(dst)
    if is_same_file(src, dst):
        raise ModelManagerError(
            f"Cannot quantize {src} over itself: name another file to write (the input is kept)."
        )
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = _ftype(kind)
    params.nthread = n_threads if n_threads and n_threads > 0 else (os.cpu_count() or 1)
    params.allow_requantize = True
    try:
        validate_gguf(src)
    except ModelError as exc:
        raise ModelManagerError(f"Cannot quantize: {exc}") from exc
    log.info("quantizing %s -> %s (%s, %d threads)", src, dst, kind, params.nthread)
    quiet_llama_cpp_unless_chosen()
    with atomic_path(dst) as temporary:
        rc = llama_cpp.llama_model_quantize(
            os.fsencode(src), os.fsencode(temporary), ctypes.byref(params)
        )
        if rc != 0 or temporary.stat().st_size == 0:
            raise ModelManagerError(
                f"llama.cpp could not quantize {src.name} to {kind} (error code {rc}); "
                "the input may not be a valid GGUF model, or the disk may be full."
            )
        try:
            validate_gguf(temporary)
        except ModelError as exc:
            raise ModelManagerError(f"llama.cpp wrote an unusable {kind} file: {exc}") from exc
    return dst
