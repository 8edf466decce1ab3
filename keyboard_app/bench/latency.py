"""`keyboard-app bench latency`: suggestion latency per keystroke, against llama.cpp's floor (one
single-token decode) and the naive approach (re-evaluating the whole context), in one run."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from keyboard_app.bench.stats import percentile
from keyboard_app.engine import Predictor

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


def _type_passage(predictor: Predictor) -> dict[str, Any]:
    start = len(PASSAGE) - TYPED_CHARS
    predictor.suggest(PASSAGE[:start])
    latencies, decoded, context = [], [], []
    for end in range(start + 1, len(PASSAGE) + 1):
        before = predictor.stats()
        began = time.perf_counter()
        predictor.suggest(PASSAGE[:end])
        latencies.append((time.perf_counter() - began) * 1000)
        after = predictor.stats()
        decoded.append(after.tokens_decoded - before.tokens_decoded)
        context.append(after.context_tokens_evaluated - before.context_tokens_evaluated)
    return {
        "keystrokes": len(latencies),
        "p50_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(percentile(latencies, 0.95), 3),
        "max_ms": round(max(latencies), 3),
        "mean_ms": round(statistics.fmean(latencies), 3),
        "tokens_evaluated_per_keystroke": round(statistics.fmean(decoded), 3),
        "context_tokens_evaluated_per_keystroke": round(statistics.fmean(context), 3),
    }


def run(model: Path | None, threads: int | None, personal: Path | None = None) -> dict[str, Any]:
    """Type the passage with `model` (a random GPT-2-small q8_0 when None) and measure; with a
    `personal` store, type it again with the store mixed in (a copy: the store is not changed)."""
    if model is not None:
        return _measure(model, threads, personal)
    from keyboard_app.bench.random_model import write_random_gpt2

    with tempfile.TemporaryDirectory(prefix="keyboard-app-bench-") as folder:
        return _measure(write_random_gpt2(Path(folder)), threads, personal)


def _with_personal(path: Path, threads: int | None, store: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="keyboard-app-bench-") as folder:
        copy = Path(folder) / "personal.sqlite3"
        shutil.copyfile(store, copy)
        with Predictor.load(path, n_threads=threads, personal=copy) as predictor:
            assert predictor.personal_store is not None
            entries = predictor.personal_store.stats().entries
            return {"personal_entries": entries, **_type_passage(predictor)}


def _measure(path: Path, threads: int | None, personal: Path | None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if personal is not None:
        extra["typing_with_personal"] = _with_personal(path, threads, personal)
    with Predictor.load(path, n_threads=threads) as predictor:
        typing = _type_passage(predictor)
        times = predictor.time_decoding(PASSAGE)
        info = predictor.info
    if extra:
        with_store = extra["typing_with_personal"]
        extra["personal_added_ms"] = {
            key: round(with_store[f"{key}_ms"] - typing[f"{key}_ms"], 3)
            for key in ("p50", "p95", "mean")
        }
    floor, full = times.single_token_decode_ms, times.full_evaluation_ms
    return {
        "model": {
            "name": info.name,
            "quantization": info.quantization,
            "layers": info.n_layer,
            "width": info.n_embd,
            "size_bytes": info.size_bytes,
        },
        "device": info.device,
        "context_tokens": times.context_tokens,
        "typing": typing,
        "single_token_decode_ms": round(floor, 3),
        "full_reevaluation_ms": round(full, 3),
        "ratios": {
            "p50_over_single_token_decode": round(typing["p50_ms"] / floor, 3),
            "p95_over_single_token_decode": round(typing["p95_ms"] / floor, 3),
            "full_reevaluation_over_p50": round(full / typing["p50_ms"], 3),
        },
        **extra,
    }
