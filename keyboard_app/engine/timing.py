"""llama.cpp's own decode timings, for benchmarks: the floor a keystroke cannot beat (one
single-token decode) and the naive approach (the whole context evaluated from scratch)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from keyboard_app.engine.backend import Entry
from keyboard_app.engine.context import MainSequence
from keyboard_app.engine.sequences import MAIN_SEQ


@dataclass(frozen=True)
class DecodeTimes:
    context_tokens: int
    single_token_decode_ms: float  # llama.cpp's mean over repeated one-token decodes
    full_evaluation_ms: float  # median wall time of evaluating the whole context afresh


def time_decodes(
    main: MainSequence, context: list[int], repeats: int = 32, full_repeats: int = 3
) -> DecodeTimes:
    """Both timings at the end of `context`; the main sequence is left empty."""
    backend = main.backend
    main.evaluate(context[:-1])
    backend.reset_timings()
    for _ in range(repeats):
        backend.forget(MAIN_SEQ, len(context) - 1)
        backend.decode([Entry(context[-1], len(context) - 1, MAIN_SEQ, logits=True)])
        backend.logits(0)  # waits for the result, which is when llama.cpp books the time
    main.reset()
    single = backend.single_token_decode_ms()
    times = []
    for _ in range(full_repeats):
        main.reset()
        began = time.perf_counter()
        main.evaluate(context)
        times.append((time.perf_counter() - began) * 1000)
    main.reset()
    return DecodeTimes(len(context), single, statistics.median(times))
