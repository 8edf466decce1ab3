"""The llama.cpp wrapper: load a validated model, choose the device, decode batches of tokens on
numbered sequences, read logits.

One `LlamaBackend` is owned by one thread. It uses a single context whose size is the model's own
context length (llama.cpp aborts the whole process on a position past a GPT-2 model's learned
positions, so every position is checked here first) and a unified KV cache shared by several
sequences: sequence 0 holds the user's text, the others hold candidate words or alternative
continuations that share its cells without copying them.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import llama_cpp
import numpy as np

# numpy imports these on first use, which here is a continuation's first token: a Ctrl+C landing
# in that import (in code of numpy's that clears errors) was lost, and `keyboard-app continue`
# ran to its end. Imported with the engine instead.
import numpy.ctypeslib
import numpy.random
import numpy.typing as npt

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.llama_log import quiet_llama_cpp_unless_chosen
from keyboard_app.engine.numbers import MAX_THREADS, is_whole

log = logging.getLogger(__name__)
MAX_BATCH = 512
SMALL_MODEL_BYTES = 64 << 20  # below this, one thread decodes faster than several
NOT_NUMBERS = (
    "The model computes values that are not numbers (NaN or infinity): its weights are damaged, "
    "so it cannot be used. Open another model."
)
_init_lock = threading.Lock()
_initialised = False


@dataclass(frozen=True)
class Entry:
    """One token to decode: its id, position, sequence, and whether its logits are wanted.

    `top` says that the caller reads only the `top` likeliest tokens' logits (top-k sampling), 0
    that it needs them all. Local decoding computes them all anyway; a server is asked for fewer,
    and the rest of its distribution is rebuilt (`DecodingBackend.approximate`) unless `exact`
    asks for every token's probability as the model computes it."""

    token: int
    pos: int
    seq: int
    logits: bool = False
    top: int = 0
    exact: bool = False


class DecodingBackend(Protocol):
    """What the context, the sequence pool, the word search and generation need of a backend:
    batches decoded on numbered sequences sharing cells, and the logits of the rows asked for.
    `LlamaBackend` runs llama.cpp in this process; `engine.remote_backend.RemoteBackend` answers
    over a llama-server's HTTP API."""

    n_ctx: int
    n_seq: int
    n_batch: int
    n_vocab: int
    tokens_decoded: int
    # Whether a row asked for without `Entry.exact` may differ from the model's own distribution
    # beyond floating-point noise (a server's, rebuilt from its top tokens).
    approximate: bool

    @property
    def device(self) -> str: ...

    def decode(self, entries: list[Entry]) -> None: ...

    def tokens_held(self, entry: Entry) -> int:
        """How many of the likeliest tokens of the row `entry` asks for are the model's own (a
        server's row is rebuilt beyond them): every token, locally."""
        ...

    def logits(self, index: int) -> npt.NDArray[np.float32]: ...

    def forget(self, seq: int, start: int = -1) -> None: ...

    def share(self, source: int, target: int, start: int = -1) -> None: ...

    def reset_timings(self) -> None: ...

    def single_token_decode_ms(self) -> float: ...

    def close(self) -> None: ...


def _init_llama() -> None:
    global _initialised
    with _init_lock:
        if not _initialised:
            quiet_llama_cpp_unless_chosen()
            llama_cpp.llama_backend_init()
            _initialised = True


def default_threads(model_bytes: int) -> int:
    """One thread for a tiny model (it decodes in well under a millisecond, less than waking a
    second thread and sharing the cores with the GUI costs). Otherwise every CPU on a small
    machine (up to 4: decoding a batch of candidates is compute bound and nearly halves on a
    second core), else half the logical CPUs (about the physical cores: single-token decoding is
    memory bound), at most 8."""
    if model_bytes < SMALL_MODEL_BYTES:
        return 1
    cpus = os.cpu_count() or 2
    return max(1, min(8, cpus if cpus <= 4 else cpus // 2))


def gpu_offload_supported() -> bool:
    return bool(llama_cpp.llama_supports_gpu_offload())


class LlamaBackend:
    approximate = False  # every row is the model's whole distribution

    def __init__(
        self, path: Path, *, n_threads: int | None, n_gpu_layers: int | None, n_seq: int
    ) -> None:
        if n_threads is not None and not is_whole(n_threads, 0, MAX_THREADS):
            raise ValueError(
                f"n_threads must be from 0 (the engine's choice) to {MAX_THREADS}, not {n_threads}"
            )
        _init_llama()
        self.path = path
        self.n_threads = n_threads or default_threads(path.stat().st_size)
        self.n_gpu_layers = self._resolve_gpu_layers(n_gpu_layers)
        self._model = self._load_model()
        self.n_ctx = int(llama_cpp.llama_model_n_ctx_train(self._model))
        self.n_layer = int(llama_cpp.llama_model_n_layer(self._model))
        vocab = llama_cpp.llama_model_get_vocab(self._model)
        self.n_vocab = int(llama_cpp.llama_vocab_n_tokens(vocab))
        self.n_seq = n_seq
        self.n_batch = min(MAX_BATCH, self.n_ctx)
        self._ctx = self._new_context()
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._batch = llama_cpp.llama_batch_init(self.n_batch, 0, n_seq)
        self.tokens_decoded = 0

    @staticmethod
    def _resolve_gpu_layers(requested: int | None) -> int:
        if not gpu_offload_supported():
            return 0
        return 10_000 if requested is None or requested < 0 else requested

    @property
    def device(self) -> str:
        if self.n_gpu_layers > 0:
            return f"GPU ({min(self.n_gpu_layers, self.n_layer + 1)} layers offloaded)"
        return f"CPU ({self.n_threads} thread{'s' if self.n_threads > 1 else ''})"

    def _load_model(self) -> Any:
        params = llama_cpp.llama_model_default_params()
        params.n_gpu_layers = self.n_gpu_layers
        model = llama_cpp.llama_model_load_from_file(str(self.path).encode(), params)
        if not model:
            raise ModelError(f"llama.cpp could not load the model file {self.path}.")
        return model

    def _new_context(self) -> Any:
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = self.n_ctx
        params.n_batch = self.n_batch
        params.n_ubatch = self.n_batch
        params.n_seq_max = self.n_seq
        params.kv_unified = True
        params.n_threads = self.n_threads
        params.n_threads_batch = self.n_threads
        params.no_perf = False
        ctx = llama_cpp.llama_init_from_model(self._model, params)
        if not ctx:
            llama_cpp.llama_model_free(self._model)
            raise ModelError(f"llama.cpp could not create a context for {self.path}.")
        return ctx

    def decode(self, entries: list[Entry]) -> None:
        """Decode up to `n_batch` tokens in one call; positions are checked against the context."""
        if not entries:
            return
        ctx = self._live()
        if len(entries) > self.n_batch:
            raise ModelError(f"internal error: a batch of {len(entries)} tokens is too large")
        batch = self._batch
        for i, entry in enumerate(entries):
            if not 0 <= entry.pos < self.n_ctx or not 0 <= entry.seq < self.n_seq:
                raise ModelError(f"internal error: position {entry.pos} is outside the context")
            batch.token[i] = entry.token
            batch.pos[i] = entry.pos
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = entry.seq
            batch.logits[i] = entry.logits
        batch.n_tokens = len(entries)
        status = llama_cpp.llama_decode(ctx, batch)
        if status != 0:
            raise ModelError(f"llama.cpp failed to evaluate the text (status {status}).")
        self.tokens_decoded += len(entries)

    def logits(self, index: int) -> npt.NDArray[np.float32]:
        """A copy of the logits of the `index`-th entry of the last batch; ModelError if one is
        not a number (a model with damaged weights, opened without its trial load)."""
        pointer = llama_cpp.llama_get_logits_ith(self._live(), index)
        if not pointer:
            raise ModelError("internal error: no logits for that token")
        row = np.array(np.ctypeslib.as_array(pointer, shape=(self.n_vocab,)), dtype=np.float32)
        if not math.isfinite(float(row.sum(dtype=np.float64))):  # NaN and infinity both spread
            raise ModelError(NOT_NUMBERS)
        return row

    def forget(self, seq: int, start: int = -1) -> None:
        """Drop sequence `seq` from position `start` on (all of it by default)."""
        self._live()
        llama_cpp.llama_memory_seq_rm(self._memory, seq, start, -1)

    def share(self, source: int, target: int, start: int = -1) -> None:
        """Make `target` see `source`'s cells from position `start` on (all by default); free with a
        unified cache, where cells are tagged with the sequences that see them."""
        self._live()
        llama_cpp.llama_memory_seq_cp(self._memory, source, target, start, -1)

    def reset_timings(self) -> None:
        llama_cpp.llama_perf_context_reset(self._live())

    def tokens_held(self, entry: Entry) -> int:
        return self.n_vocab

    def single_token_decode_ms(self) -> float:
        """llama.cpp's own mean time per single-token decode since the context was created."""
        data = llama_cpp.llama_perf_context(self._live())
        return float(data.t_eval_ms / data.n_eval) if data.n_eval else 0.0

    def _live(self) -> Any:
        """The llama.cpp context; ModelError once closed (its memory is freed: a call into it
        would crash the process)."""
        if self._ctx is None:
            raise ModelError("The model has been closed.")
        return self._ctx

    def close(self) -> None:
        if self._ctx:
            llama_cpp.llama_batch_free(self._batch)
            llama_cpp.llama_free(self._ctx)
            llama_cpp.llama_model_free(self._model)
            self._ctx = None
