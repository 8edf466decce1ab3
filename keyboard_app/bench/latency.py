"""`keyboard-app bench latency`: suggestion latency per keystroke, against llama.cpp's floor (one
single-token decode) and the naive approach (re-evaluating the whole context), in one run.

`typing` types the passage back to back (no pause: the engine never idles, so it never works
ahead), `typing_without_corrector` again on a second predictor without the corrections source
(`corrector_added_ms` is what they cost); `paused_typing` types it again at a typist's pace, the
engine working ahead (`Predictor.prefetch`, a step at a time) until the next keystroke is due,
each step only when the app's pacer lets it start (`engine.pacing`: when it should be over before
the next keystroke). A keystroke that comes while a step is in progress waits for it: its cost is
counted from when it was due.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from keyboard_app.bench.stats import percentile
from keyboard_app.engine import Predictor
from keyboard_app.engine.pacing import AheadPacer
from keyboard_app.engine.sources.corrections import CorrectionSource
from keyboard_app.personal import PersonalStore

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
CHARS_PER_SECOND = 15.0  # the paused typing's pace


def _type_passage(
    predictor: Predictor, chars_per_second: float | None = None, work_ahead: bool = False
) -> dict[str, Any]:
    """Type the passage's end; with `chars_per_second`, at that pace (with `work_ahead`, working
    ahead in between)."""
    start = len(PASSAGE) - TYPED_CHARS
    predictor.suggest(PASSAGE[:start])
    latencies, decoded, context = [], [], []
    gap = None if chars_per_second is None else 1.0 / chars_per_second
    due = time.perf_counter()  # when the next keystroke comes, at the pace
    pacer = AheadPacer()
    for end in range(start + 1, len(PASSAGE) + 1):
        if gap is not None:
            time.sleep(max(due - time.perf_counter(), 0.0))  # the typist has not pressed it yet
        pacer.keystroke()
        before = predictor.stats()
        began = time.perf_counter()
        predictor.suggest(PASSAGE[:end])
        done = time.perf_counter()
        # Due earlier (a step of work ahead ran past it): the keystroke waited from then.
        latencies.append((done - (began if gap is None else due)) * 1000)
        after = predictor.stats()
        decoded.append(after.tokens_decoded - before.tokens_decoded)
        context.append(after.context_tokens_evaluated - before.context_tokens_evaluated)
        if gap is not None:
            # The next key is pressed a gap later; one pressed while this answer was still being
            # computed would have been coalesced (the app computes the newest text only), so the
            # earliest the next key counts from is now: only a step of work ahead makes it wait.
            due = max(due + gap, done)
            step = partial(predictor.prefetch, PASSAGE[:end])
            while work_ahead and time.perf_counter() < due and pacer.may_start():
                if not pacer.timed(step):
                    break
    return {
        "keystrokes": len(latencies),
        "p50_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(percentile(latencies, 0.95), 3),
        "max_ms": round(max(latencies), 3),
        "mean_ms": round(statistics.fmean(latencies), 3),
        "tokens_evaluated_per_keystroke": round(statistics.fmean(decoded), 3),
        "context_tokens_evaluated_per_keystroke": round(statistics.fmean(context), 3),
    }


def run(
    model: Path | None,
    threads: int | None,
    personal: Path | None = None,
    chars_per_second: float = CHARS_PER_SECOND,
) -> dict[str, Any]:
    """Type the passage with `model` (a random GPT-2-small q8_0 when None) and measure; with a
    `personal` store, type it again with the store mixed in (a copy: the store is not changed)."""
    if model is not None:
        return _measure(model, threads, personal, chars_per_second)
    from keyboard_app.bench.random_model import write_random_gpt2

    with tempfile.TemporaryDirectory(prefix="keyboard-app-bench-") as folder:
        return _measure(write_random_gpt2(Path(folder)), threads, personal, chars_per_second)


def _with_personal(path: Path, threads: int | None, store: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="keyboard-app-bench-") as folder:
        copy = Path(folder) / "personal.sqlite3"
        shutil.copyfile(store, copy)
        # Another program's file, or a damaged one: its error, not the timing of an empty store.
        PersonalStore.open(copy, recover=False).close()
        with Predictor.load(path, n_threads=threads, personal=copy) as predictor:
            assert predictor.personal_store is not None
            entries = predictor.personal_store.stats().entries
            return {"personal_entries": entries, **_type_passage(predictor)}


def _without_corrector(path: Path, threads: int | None) -> dict[str, Any]:
    with Predictor.load(path, n_threads=threads) as predictor:
        predictor.sources = [s for s in predictor.sources if not isinstance(s, CorrectionSource)]
        return _type_passage(predictor)


def _measure(
    path: Path, threads: int | None, personal: Path | None, chars_per_second: float
) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if personal is not None:
        extra["typing_with_personal"] = _with_personal(path, threads, personal)
    with Predictor.load(path, n_threads=threads) as predictor:
        predictor.wait_for_corrections()  # what a keystroke costs once it corrects
        typing = _type_passage(predictor)
        paused_before = _type_passage(predictor, chars_per_second)
        paused = _type_passage(predictor, chars_per_second, work_ahead=True)
        times = predictor.time_decoding(PASSAGE)
        info = predictor.info
    without = _without_corrector(path, threads)
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
        "typing_without_corrector": without,
        "corrector_added_ms": {
            key: round(typing[f"{key}_ms"] - without[f"{key}_ms"], 3)
            for key in ("p50", "p95", "mean")
        },
        "single_token_decode_ms": round(floor, 3),
        "full_reevaluation_ms": round(full, 3),
        "ratios": {
            "p50_over_single_token_decode": round(typing["p50_ms"] / floor, 3),
            "p95_over_single_token_decode": round(typing["p95_ms"] / floor, 3),
            "full_reevaluation_over_p50": round(full / typing["p50_ms"], 3),
        },
        "paused_typing": {
            "chars_per_second": chars_per_second,
            "without_work_ahead": _with_ratios(paused_before, floor),
            "with_work_ahead": _with_ratios(paused, floor),
        },
        **extra,
    }


def _with_ratios(typing: dict[str, Any], floor: float) -> dict[str, Any]:
    return {
        **typing,
        "p50_over_single_token_decode": round(typing["p50_ms"] / floor, 3),
        "p95_over_single_token_decode": round(typing["p95_ms"] / floor, 3),
    }
