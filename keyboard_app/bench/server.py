"""`keyboard-app bench server`: typists on a llama-server, and the same typing on the local engine.

Each simulated typist is a thread with its own client (`Predictor.connect`, its own slots) typing a
held-out text at 15 characters a second on average; each keystroke asks for suggestions on
everything typed so far in the text and is timed until they are there (a late answer delays
nothing: the next key comes on schedule, or at once if it is overdue). Then one typist types the
first of those texts on the local engine, same model, same rhythm, side by side in the same run.
Without `url`, a server is started on 127.0.0.1 with two slots per typist.

On a server started here, the typists' threads run at a lower priority than the server (Linux):
in a team each typist's own work runs on their own machine, never in the server's way, and on one
machine this is the nearest to that; their latency still includes that work.

The typists are independent people: each starts at its own moment and its keys come at gaps
spread as a person's are (`keystroke_times`). `lockstep` has them all press a key at the same
instants instead, the worst case for a server (every request of a keystroke arrives at once).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keyboard_app.bench.stats import percentile
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.predictor import Predictor, Suggestion
from keyboard_app.engine.remote_backend import RemoteBackend
from keyboard_app.engine.remote_connect import (
    SLOTS_PER_CLIENT,
    connect_backend,
    connect_predictor,
)
from keyboard_app.paths import builtin_model_path, corpora_dir

CHARS_PER_SECOND = 15.0
SECONDS = 30.0
# Keystrokes compared with exact=True on the server and here, from this far into the text (a
# context of some length). Each costs the server whole distributions (about 0.4 s a row).
AGREEMENT_KEYS = 40
AGREEMENT_START = 300
MIN_TEXT_CHARS = 600  # enough for 30 s of typing at 15 characters a second (450)
# The gaps between a typist's keys follow a gamma distribution of this shape around the mean gap:
# a standard deviation of half the mean, about the spread of a practised typist's gaps.
GAP_SHAPE = 4.0
TYPISTS_NICENESS = 10  # the typists' threads' niceness beside a server started here


@dataclass
class Typing:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    def summary(self) -> dict[str, Any]:
        """Latencies of the keystrokes answered (None where none was), and the errors."""
        ms = self.latencies_ms
        keystrokes = len(ms) + len(self.errors)
        return {
            "keystrokes": keystrokes,
            "p50_ms": round(statistics.median(ms), 3) if ms else None,
            "p95_ms": round(percentile(ms, 0.95), 3) if ms else None,
            "max_ms": round(max(ms), 3) if ms else None,
            "errors": len(self.errors),
            "first_errors": self.errors[:3],
            "requests_per_keystroke": round(self.requests / max(keystrokes, 1), 3),
        }


def typing_texts(count: int) -> list[str]:
    """`count` held-out texts (documents the built-in model never trained on) long enough to type."""
    from keyboard_app.training.corpus import load_split

    texts = [t for t in load_split(corpora_dir()).heldout_texts() if len(t) >= MIN_TEXT_CHARS]
    return [texts[i % len(texts)] for i in range(count)]


def keystroke_times(keys: int, typist: int, lockstep: bool = False) -> list[float]:
    """When the `typist`-th typist presses each of `keys` keys, in seconds from the start:
    `CHARS_PER_SECOND` on average, from a moment of its own within the first gap and at gaps drawn
    around the mean (`GAP_SHAPE`), the same for the same typist at every run; with `lockstep`,
    exactly every mean gap, as every other typist."""
    interval = 1.0 / CHARS_PER_SECOND
    if lockstep:
        return [typed * interval for typed in range(1, keys + 1)]
    rng = random.Random(typist)
    moment = rng.random() * interval
    times = []
    for _ in range(keys):
        moment += rng.gammavariate(GAP_SHAPE, interval / GAP_SHAPE)
        times.append(moment)
    return times


def type_text(predictor: Predictor, text: str, times: list[float], result: Typing) -> None:
    """Type `text` pressing a key at each of `times` (see `keystroke_times`), timing each
    keystroke's suggestions."""
    start = time.perf_counter()
    for typed, moment in enumerate(times[: len(text)], start=1):
        delay = start + moment - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        began = time.perf_counter()
        try:
            predictor.suggest(text[:typed])
        except ModelError as error:
            result.errors.append(str(error))
            continue
        result.latencies_ms.append((time.perf_counter() - began) * 1000)


def _typist(
    url: str,
    api_key: str | None,
    slot_group: int,
    text: str,
    times: list[float],
    result: Typing,
    connected: threading.Barrier,
    niceness: int,
) -> None:
    """Connect, wait for every other typist to be connected (none is loading while another
    types), then type."""
    if niceness and sys.platform == "linux":  # where a thread has a niceness of its own
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    predictor = None
    try:
        predictor = connect_predictor(url, api_key, slot_group=slot_group)
    except ModelError as error:
        result.errors.append(str(error))
    finally:
        connected.wait()
    if predictor is None:
        return
    with predictor:
        backend = predictor.backend
        assert isinstance(backend, RemoteBackend)
        client = backend.client
        sent = client.requests_sent
        type_text(predictor, text, times, result)
        result.requests = client.requests_sent - sent


def type_on_server(
    url: str,
    api_key: str | None,
    texts: list[str],
    rhythms: list[list[float]],
    niceness: int = 0,
) -> list[Typing]:
    """Each text typed by a typist of its own, at the matching keystroke times, all at once, in
    threads of that `niceness`."""
    results = [Typing() for _ in texts]
    connected = threading.Barrier(len(texts))
    threads = [
        threading.Thread(
            target=_typist,
            args=(url, api_key, i, text, rhythms[i], results[i], connected, niceness),
        )
        for i, text in enumerate(texts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def exact_agreement(
    url: str, api_key: str | None, model: Path, text: str, keystrokes: int
) -> dict[str, Any]:
    """How often `suggest(..., exact=True)` gives other words on the server than here (`compared`).
    Beside it, the floor that floating-point noise sets: the same keystrokes here on a second
    predictor that typed the text from its start, as the app does (llama.cpp's arithmetic depends
    on how the context was split into batches; the server splits it as its prompt cache allows)."""
    first = min(AGREEMENT_START, max(len(text) - keystrokes, 0)) + 1
    ends = range(first, min(first + keystrokes, len(text) + 1))
    started = time.perf_counter()
    with (
        connect_predictor(url, api_key) as remote,
        Predictor.load(model) as local,
        Predictor.load(model) as typed_through,
    ):
        for end in range(1, first):
            typed_through.suggest(text[:end])
        pairs, twins = [], []
        for end in ends:
            here = local.suggest(text[:end], exact=True)
            pairs.append((remote.suggest(text[:end], exact=True), here))
            twins.append((typed_through.suggest(text[:end], exact=True), here))
    return {
        **compared(pairs),
        "seconds": round(time.perf_counter() - started, 1),
        "local_typed_from_the_start": compared(twins),
    }


def compared(pairs: list[tuple[list[Suggestion], list[Suggestion]]]) -> dict[str, Any]:
    """How often the words of each pair agree, and the largest relative difference of a word's
    probability where they do."""
    words = [([s.word for s in a], [s.word for s in b]) for a, b in pairs]
    differences = [
        abs(there.probability / here.probability - 1)
        for (a, b), (a_words, b_words) in zip(pairs, words, strict=True)
        if a_words == b_words
        for there, here in zip(a, b, strict=True)
        if here.probability > 0
    ]
    share = len(words) or 1
    return {
        "keystrokes": len(words),
        "same_three_words": round(sum(a == b for a, b in words) / share, 3),
        "same_best_word": round(sum(a[:1] == b[:1] for a, b in words) / share, 3),
        "same_words_any_order": round(sum(set(a) == set(b) for a, b in words) / share, 3),
        "largest_relative_difference": float(f"{max(differences, default=0.0):.3g}"),
    }


def check_server(url: str, api_key: str | None) -> None:
    """Connect once before typing: a server that is down or refuses the key is a `ModelError`,
    not a report of keystrokes that all failed."""
    backend, _ = connect_backend(url, api_key, n_seq=1)
    backend.close()


def _ratio(there: float | None, here: float | None) -> float | None:
    return round(there / here, 3) if there is not None and here else None


def _merged(results: list[Typing]) -> Typing:
    merged = Typing()
    for result in results:
        merged.latencies_ms += result.latencies_ms
        merged.errors += result.errors
        merged.requests += result.requests
    return merged


def run(
    url: str | None,
    api_key: str | None = None,
    typists: int = 1,
    seconds: float = SECONDS,
    model: Path | None = None,
    lockstep: bool = False,
    agreement_keys: int = AGREEMENT_KEYS,
) -> dict[str, Any]:
    """Type on the server at `url` (one started on `model`, the built-in one by default, when
    None), then on the local engine with the same model when it is here, side by side: with a
    `url`, only when `model` names the server's model file (the built-in model may not be it)."""
    texts = typing_texts(typists)
    keys = round(seconds * CHARS_PER_SECOND)
    rhythms = [keystroke_times(keys, typist, lockstep) for typist in range(typists)]
    report: dict[str, Any] = {
        "typists": typists,
        "seconds": seconds,
        "characters_per_second": CHARS_PER_SECOND,
        "rhythm": "lockstep" if lockstep else "independent",
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    if url is not None:
        check_server(url, api_key)
        report["server"] = {"url": url, "started_here": False}
        _measure(report, url, api_key, texts, rhythms, model, 0, agreement_keys)
    else:
        from keyboard_app.engine.backend import default_threads
        from keyboard_app.models.serve import ServeOptions, ServerProcess, free_port

        served = model or builtin_model_path()
        threads = default_threads(served.stat().st_size)  # as the local engine would use
        options = ServeOptions(
            port=free_port(), parallel=typists * SLOTS_PER_CLIENT, threads=threads
        )
        with ServerProcess.start(served, options) as server:
            server.wait_ready()
            report["server"] = {
                "url": server.url,
                "started_here": True,
                "slots": options.parallel,
                "threads": threads,
            }
            _measure(
                report, server.url, None, texts, rhythms, served, TYPISTS_NICENESS, agreement_keys
            )
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def _measure(
    report: dict[str, Any],
    url: str,
    api_key: str | None,
    texts: list[str],
    rhythms: list[list[float]],
    model: Path | None,
    niceness: int,
    agreement_keys: int,
) -> None:
    report["typists_niceness"] = niceness
    remote = type_on_server(url, api_key, texts, rhythms, niceness)
    report["on_server"] = _merged(remote).summary()
    report["on_server_per_typist_p95_ms"] = [r.summary()["p95_ms"] for r in remote]
    if model is None:
        return  # the server's model is not here: nothing to compare with
    local = Typing()
    with Predictor.load(model) as predictor:
        type_text(predictor, texts[0], rhythms[0], local)
        report["model"] = predictor.info.name
        report["local_device"] = predictor.info.device
    report["local_one_typist"] = local.summary()
    local_p95 = local.summary()["p95_ms"]
    report["ratios"] = {
        "first_typist_p95_over_local_p95": _ratio(remote[0].summary()["p95_ms"], local_p95),
        "server_p95_over_local_p95": _ratio(report["on_server"]["p95_ms"], local_p95),
    }
    if agreement_keys > 0:
        report["exact_agreement"] = exact_agreement(url, api_key, model, texts[0], agreement_keys)
