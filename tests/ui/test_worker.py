"""The engine thread: requests coalesce to the newest, stale results are dropped, shutdown is clean."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from keyboard_app.engine.pacing import AheadPacer
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.requests import LatestSlot
from keyboard_app.ui.worker import STOPPED
from tests.ui.conftest import ContinuationEnds

LONG = SamplingParams(max_tokens=400, top_k=40, temperature=1.0, top_p=1.0)


@pytest.fixture
def client(qtbot: QtBot, model_path: Path) -> Iterator[EngineClient]:
    engine = EngineClient()
    with qtbot.waitSignal(engine.loaded, timeout=30_000):
        engine.load(str(model_path), 1, 0, True)
    yield engine
    engine.shutdown()


def test_latest_slot_keeps_only_the_newest() -> None:
    slot: LatestSlot[int] = LatestSlot()
    assert slot.take() is None
    for i in range(5):
        slot.put(i)
    assert slot.take() == 4
    assert slot.take() is None


def test_latest_slot_is_safe_across_threads() -> None:
    slot: LatestSlot[int] = LatestSlot()
    taken: list[int] = []

    def consume() -> None:
        for _ in range(2000):
            item = slot.take()
            if item is not None:
                taken.append(item)

    consumer = threading.Thread(target=consume)
    consumer.start()
    for i in range(2000):
        slot.put(i)
    consumer.join()
    leftover = slot.take()
    seen = taken + ([leftover] if leftover is not None else [])
    assert seen == sorted(seen)  # never an older item after a newer one
    assert len(seen) == len(set(seen))


def test_worker_lives_in_its_own_thread(client: EngineClient) -> None:
    worker_thread = client._worker.thread()
    assert worker_thread is not QThread.currentThread()
    assert worker_thread.isRunning()


def test_busy_worker_computes_only_the_newest_request(qtbot: QtBot, client: EngineClient) -> None:
    computed: list[str] = []
    client._worker.suggestions_ready.connect(lambda _id, context, _w: computed.append(context))
    shown: list[str] = []
    client.suggestions.connect(lambda context, _words, _ms: shown.append(context))
    # Keep the worker busy with a continuation while requests pile up.
    with qtbot.waitSignal(client.continuation_piece, timeout=10_000):
        client.continue_text("It was a dark and stormy night", LONG)
    for i in range(1, 30):
        client.suggest("typing fast " + "x" * i, 3)
    client.stop_continuation()
    qtbot.waitUntil(lambda: shown == ["typing fast " + "x" * 29], timeout=10_000)
    assert computed == shown


def test_results_for_old_requests_are_dropped(qtbot: QtBot, client: EngineClient) -> None:
    # A lambda connected to a worker signal runs in the engine thread, as the worker emits.
    first_computed = threading.Event()

    def computed(_request_id: int, context: str, _words: object) -> None:
        if context == "first":
            first_computed.set()

    client._worker.suggestions_ready.connect(computed)
    shown: list[str] = []
    client.suggestions.connect(lambda context, _words, _ms: shown.append(context))
    client.suggest("first", 3)
    # The GUI thread handles no event until "first" is computed, so its result is still on its
    # way when the newer request is sent.
    assert first_computed.wait(10)
    client.suggest("second", 3)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)  # results arrive in order
    assert shown == ["second"]


def test_stopped_continuation_emits_nothing_more(qtbot: QtBot, client: EngineClient) -> None:
    ends = ContinuationEnds(client)
    with qtbot.waitSignal(client.continuation_piece, timeout=10_000):
        client.continue_text("The weather today", LONG)
    with qtbot.assertNotEmitted(client.continuation_piece):
        client.stop_continuation()
        qtbot.waitUntil(lambda: bool(ends.outcomes), timeout=10_000)
    assert ends.outcomes == [STOPPED]  # not run to the end


def test_shutdown_during_continuation_joins_the_thread(qtbot: QtBot, model_path: Path) -> None:
    engine = EngineClient()
    with qtbot.waitSignal(engine.loaded, timeout=30_000):
        engine.load(str(model_path), 1, 0, True)
    with qtbot.waitSignal(engine.continuation_piece, timeout=10_000):
        engine.continue_text("A long story", LONG)
    thread = engine._thread
    engine.shutdown()
    assert thread.isFinished()


def test_shutdown_during_load_joins_the_thread(model_path: Path) -> None:
    engine = EngineClient()
    engine.load(str(model_path), 1, 0, True)
    engine.shutdown()  # waits for the load to finish, then closes the model
    assert engine._thread.isFinished()


def test_bad_model_reports_a_message(qtbot: QtBot, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"GGUF but not really a model")
    engine = EngineClient()
    try:
        with qtbot.waitSignal(engine.load_failed, timeout=10_000) as failed:
            engine.load(str(bogus), 1, 0, True)
        assert failed.args[0]
        assert engine.model_info is None
    finally:
        engine.shutdown()


def test_the_loaded_engine_is_out_of_the_garbage_collectors_way(client: EngineClient) -> None:
    """A full collection holds the GIL, so the GUI thread waits for it: every few seconds while
    typing it walked all the engine's objects (25-65 ms stalls). Once a model is loaded they are
    frozen, and a full collection walks only what was made since."""
    assert gc.get_freeze_count() > 20_000
    started = time.thread_time()  # CPU time: the collection holds the GIL; waits are not its own
    gc.collect()
    assert time.thread_time() - started < 0.015


def slow_down_decodes(client: EngineClient, seconds: float) -> list[float]:
    """Make every decode of the loaded model take `seconds` more (as a big model's would); the
    returned list gets each decode's end time. Set while the engine thread is idle."""
    backend = client._worker._predictor._backend  # type: ignore[union-attr]
    decode = backend.decode
    ends: list[float] = []

    def slow(entries: list[object]) -> None:
        time.sleep(seconds)
        decode(entries)
        ends.append(time.perf_counter())

    backend.decode = slow  # type: ignore[method-assign]
    return ends


def test_the_instant_answer_comes_first_and_the_refined_one_replaces_it(
    qtbot: QtBot, client: EngineClient
) -> None:
    slow_down_decodes(client, 0.3)
    events: list[tuple[str, str, list[str]]] = []
    client.instant.connect(
        lambda c, words, _ms: events.append(("instant", c, [s.word for s in words]))
    )
    client.suggestions.connect(
        lambda c, words, _ms: events.append(("refined", c, [s.word for s in words]))
    )
    client.suggest("The weather was ", 3)
    client.suggest("The weather was wa", 3)  # while the first decodes
    qtbot.waitUntil(lambda: any(kind == "refined" for kind, _c, _w in events), timeout=20_000)
    assert events[0][:2] == ("instant", "The weather was wa")
    assert all(word.lower().startswith("wa") for word in events[0][2])
    assert [c for _kind, c, _w in events] == ["The weather was wa"] * len(events)  # same text only
    assert events[-1][0] == "refined"


def test_work_ahead_stops_when_a_keystroke_comes(qtbot: QtBot, client: EngineClient) -> None:
    ends = slow_down_decodes(client, 0.1)
    with qtbot.waitSignal(client.suggestions, timeout=20_000):
        client.suggest("I would like to ask for your he", 3)
    qtbot.waitUntil(lambda: len(ends) >= 2, timeout=20_000)  # working ahead while idle
    asked = time.perf_counter()
    with qtbot.waitSignal(client.suggestions, timeout=20_000):
        client.suggest("I would like to ask for your hel", 3)
    # After the keystroke, at most the decode in progress finished before its own work began,
    # which is one decode (this word's context is decoded, one candidate a keystroke).
    assert sum(end > asked for end in ends) <= 2


def test_work_ahead_is_held_while_the_typist_types_and_goes_on_in_a_pause(
    qtbot: QtBot, client: EngineClient
) -> None:
    """The pacer's clock is the test's: keystrokes 30 ms apart and 50 ms steps, so no step fits
    before the next keystroke. The engine thread holds its work ahead, and takes it up when the
    typist has paused (a timer wakes it: no new request comes)."""
    now = [1000.0]
    pacer = AheadPacer(lambda: now[0])
    for _ in range(5):
        pacer.keystroke()
        now[0] += 0.03
    pacer.stepped(0.05)
    client._worker._pacer = pacer  # the engine thread is idle
    ends = slow_down_decodes(client, 0.0)
    with qtbot.waitSignal(client.suggestions, timeout=20_000):
        client.suggest("I would like to ask for your help with the", 3)
    answered = time.perf_counter()
    qtbot.wait(300)
    assert not any(end > answered for end in ends)  # still "typing": held
    now[0] += 0.1  # a pause of more than twice the usual gap
    qtbot.waitUntil(lambda: any(end > answered for end in ends), timeout=5_000)
