"""`keyboard-app bench latency`: suggestion latency per keystroke, against llama.cpp's floor (one
single-token decode) and the naive approach (re-evaluating the whole context), in one run."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from keyboard_app.engine import Predictor
from keyboard_app.engine.backend import Entry
from keyboard_app.engine.context import MAIN_SEQ

PASSAGE = (
    "The museum opened its doors early on Saturday morning, and by nine o'clock a long line of "
    "families had already formed along the river. Most of them had come to see the new exhibition "
    "about the history of the city, which covers three hundred years of trade, war and invention. "
    "In the first room, visitors walk past a model of the old harbour, with tiny ships that move "
    "when you press a button. The second room is darker and quieter: it holds letters written by "
    "sailors to their families, and a recording plays the voices of their grandchildren reading "
    "them aloud. Many people stopped there for a long time. A teacher who had brought her class "
    "said that the children were surprised by how much the letters sounded like the messages they "
    "send to each other today. The last room looks to the future. It asks visitors what they would "
    "like the city to become in the next fifty years, and their answers are written on cards that "
    "cover an entire wall. Some want more parks and fewer cars, others want cheaper houses, better "
    "schools and a faster train to the coast. The director of the museum said she hopes that the "
    "exhibition will help people understand that the city has always changed, and that everyone "
    "who lives here has a part in deciding what it will look like when their own children are "
    "grown. The exhibition is open every day except Monday until the end of the year, and entry "
    "is free for anyone under eighteen."
)
TYPED_CHARS = 400


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _type_passage(predictor: Predictor) -> dict[str, Any]:
    start = len(PASSAGE) - TYPED_CHARS
    predictor.suggest(PASSAGE[:start])
    latencies, decoded, context = [], [], []
    for end in range(start + 1, len(PASSAGE) + 1):
        before_all, before_ctx = predictor.tokens_decoded, predictor.context_tokens_evaluated
        began = time.perf_counter()
        predictor.suggest(PASSAGE[:end])
        latencies.append((time.perf_counter() - began) * 1000)
        decoded.append(predictor.tokens_decoded - before_all)
        context.append(predictor.context_tokens_evaluated - before_ctx)
    return {
        "keystrokes": len(latencies),
        "p50_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(_percentile(latencies, 0.95), 3),
        "max_ms": round(max(latencies), 3),
        "mean_ms": round(statistics.fmean(latencies), 3),
        "tokens_evaluated_per_keystroke": round(statistics.fmean(decoded), 3),
        "context_tokens_evaluated_per_keystroke": round(statistics.fmean(context), 3),
    }


def _single_token_decode_ms(predictor: Predictor, context: list[int], repeats: int = 32) -> float:
    """llama.cpp's own timing of one-token decodes at the end of `context`."""
    main = predictor.main_sequence
    main.evaluate(context[:-1])
    backend = predictor.backend
    backend.reset_timings()
    for _ in range(repeats):
        backend.forget(MAIN_SEQ, len(context) - 1)
        backend.decode([Entry(context[-1], len(context) - 1, MAIN_SEQ, logits=True)])
        backend.logits(0)  # waits for the result, which is when llama.cpp books the time
    main.reset()
    return backend.single_token_decode_ms()


def _full_evaluation_ms(predictor: Predictor, context: list[int], repeats: int = 3) -> float:
    """The naive approach: evaluate the whole context from scratch."""
    times = []
    for _ in range(repeats):
        predictor.main_sequence.reset()
        began = time.perf_counter()
        predictor.main_sequence.evaluate(context)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def run(model: Path | None, threads: int | None) -> dict[str, Any]:
    """Type the passage with `model` (a random GPT-2-small q8_0 when None) and measure."""
    from keyboard_app.bench.random_model import write_random_gpt2

    path = model or write_random_gpt2()
    with Predictor.load(path, n_threads=threads) as predictor:
        typing = _type_passage(predictor)
        context = predictor.suggestion_context(PASSAGE)
        floor = _single_token_decode_ms(predictor, context)
        full = _full_evaluation_ms(predictor, context)
        info = predictor.info
    if model is None:
        path.unlink()
    return {
        "model": {
            "name": info.name,
            "quantization": info.quantization,
            "layers": info.n_layer,
            "width": info.n_embd,
            "size_bytes": info.size_bytes,
        },
        "device": info.device,
        "context_tokens": len(context),
        "typing": typing,
        "single_token_decode_ms": round(floor, 3),
        "full_reevaluation_ms": round(full, 3),
        "ratios": {
            "p50_over_single_token_decode": round(typing["p50_ms"] / floor, 3),
            "p95_over_single_token_decode": round(typing["p95_ms"] / floor, 3),
            "full_reevaluation_over_p50": round(full / typing["p50_ms"], 3),
        },
    }
