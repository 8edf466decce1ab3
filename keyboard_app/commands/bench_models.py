"""`keyboard-app bench models`: conversion time, and each quantization's size and speed.

Uses GPT-2-small-shaped random weights (12 layers x 768, the real 50,257-token vocabulary) written
as a Hugging Face checkpoint, so it needs no download; speed depends only on the shapes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyboard_app.commands import for_people, thread_count
from keyboard_app.engine.llama_log import llama_cpp_log_shown

if TYPE_CHECKING:
    from keyboard_app.engine.gguf_format import Gpt2Config

PROMPT_TOKENS = 128
DECODE_TOKENS = 16
KINDS = ("f16", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q4_0")


def register_bench(bench_subparsers: Any) -> None:
    p = bench_subparsers.add_parser("models", help="quantization sizes and speeds (GPT-2 small)")
    p.add_argument("--json", action="store_true", help="print JSON only (the default output)")
    p.add_argument(
        "--threads", type=thread_count, default=None, help="llama.cpp threads (default: all)"
    )
    p.add_argument(
        "--kinds",
        type=_kinds,
        default=KINDS,
        help=f"quantizations to make from f32, comma-separated (default {','.join(KINDS)})",
    )
    p.set_defaults(func=for_people(_run))


def _kinds(value: str) -> tuple[str, ...]:
    """An argparse type: quantization names, checked before the long conversion starts."""
    from keyboard_app.models.quantize import QUANT_KINDS

    kinds = tuple(kind.strip().lower() for kind in value.split(","))
    unknown = [kind for kind in kinds if kind not in QUANT_KINDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown quantization {unknown[0]!r}; choose from {', '.join(QUANT_KINDS)}"
        )
    return kinds


def write_random_checkpoint(folder: Path, config: Gpt2Config | None = None) -> None:
    """A Hugging Face GPT-2 checkpoint with random weights (GPT-2 small's shape by default)."""
    import numpy as np
    from safetensors.numpy import save_file

    from keyboard_app.engine.gguf_format import (
        Gpt2Config,
        expected_shapes,
        hf_stores_transposed,
        hf_tensor_name,
    )
    from keyboard_app.files import atomic_path, write_atomic

    rng = np.random.default_rng(0)
    config = config or Gpt2Config(n_layer=12, n_embd=768, n_head=12)
    tensors = {}
    for name, shape in expected_shapes(config).items():
        hf_shape = shape[::-1] if hf_stores_transposed(name) else shape
        weights = rng.standard_normal(hf_shape, dtype=np.float32) * 0.02
        tensors[hf_tensor_name(name)] = weights.astype(np.float32)
    with atomic_path(folder / "model.safetensors") as temporary:
        save_file(tensors, str(temporary))
    hf_config = {
        "model_type": "gpt2",
        "n_layer": config.n_layer,
        "n_embd": config.n_embd,
        "n_head": config.n_head,
        "n_positions": config.n_ctx,
        "vocab_size": config.n_vocab,
        "activation_function": "gelu_new",
    }
    write_atomic(folder / "config.json", json.dumps(hf_config))


def _speed(path: Path, n_threads: int) -> dict[str, float]:
    """Load time, prompt throughput and single-token decode time of one GGUF in llama.cpp."""
    import llama_cpp

    start = time.perf_counter()
    llm = llama_cpp.Llama(
        model_path=str(path),
        n_ctx=256,
        n_batch=PROMPT_TOKENS,
        n_threads=n_threads,
        verbose=llama_cpp_log_shown(),
    )
    load_s = time.perf_counter() - start
    try:
        prompt = [(i * 7919) % 50000 for i in range(PROMPT_TOKENS)]
        start = time.perf_counter()
        llm.eval(prompt)
        prompt_s = time.perf_counter() - start
        steps = []
        for i in range(DECODE_TOKENS):
            start = time.perf_counter()
            llm.eval([(i * 31) % 50000])
            steps.append(time.perf_counter() - start)
    finally:
        llm.close()
    return {
        "load_s": round(load_s, 3),
        "prompt_tokens_per_s": round(PROMPT_TOKENS / prompt_s, 1),
        "decode_ms_per_token": round(statistics.median(steps) * 1000, 2),
    }


def _row(kind: str, path: Path, seconds: float, n_threads: int) -> dict[str, Any]:
    from keyboard_app.engine.gguf_validate import validate_gguf

    info = validate_gguf(path)
    return {
        "kind": kind,
        "file_bytes": info.size,
        "file_mb": round(info.size / 1e6, 1),
        "type_mix": info.type_mix(),
        "make_s": round(seconds, 2),
        **_speed(path, n_threads),
    }


def _run(args: argparse.Namespace) -> int:
    import llama_cpp

    from keyboard_app.models.convert import convert_checkpoint
    from keyboard_app.models.quantize import quantize_gguf

    n_threads = args.threads or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="keyboard-app-bench-") as tmp:
        folder = Path(tmp) / "gpt2-small-random"
        folder.mkdir()
        write_random_checkpoint(folder)
        start = time.perf_counter()
        f32 = convert_checkpoint(folder, Path(tmp) / "f32.gguf")
        convert_s = time.perf_counter() - start
        rows = [_row("f32", f32, convert_s, n_threads)]
        for kind in args.kinds:
            start = time.perf_counter()
            out = quantize_gguf(f32, Path(tmp) / f"{kind}.gguf", kind, n_threads=n_threads)
            rows.append(_row(kind, out, time.perf_counter() - start, n_threads))
    result = {
        "model": "GPT-2 small shape (12 x 768, 50,257 vocabulary), random weights",
        "llama_cpp_python": llama_cpp.__version__,
        "threads": n_threads,
        "conversion_s": round(convert_s, 2),
        "prompt_tokens": PROMPT_TOKENS,
        "quantizations": rows,
    }
    print(json.dumps(result, indent=2))
    return 0
