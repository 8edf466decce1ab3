"""The engine thread's use of the personal store while others use it too: a busy store holds
learning back rather than stopping it, a document is learned a piece at a time with suggestions
answered between, and a document is never learned while learning is off."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from keyboard_app import paths
from keyboard_app.personal import PersonalStore
from keyboard_app.personal.database import BUSY_TIMEOUT_MS
from keyboard_app.ui import worker
from keyboard_app.ui.main_window import MainWindow

from .conftest import settle, type_text


def count(store: PersonalStore, word: str) -> int:
    return store.word_counts([word])[word]


@pytest.fixture
def other_writer() -> Iterator[sqlite3.Connection]:
    """Another program's connection to the window's store, holding a write transaction."""
    connection = sqlite3.connect(paths.personal_store_path(), isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


def test_a_store_busy_past_its_timeout_holds_learning_back_and_loses_nothing(
    qtbot: QtBot,
    window: MainWindow,
    store: PersonalStore,
    other_writer: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "LEARN_RETRY_S", 0.5)
    with qtbot.assertNotEmitted(window.client.learning_failed, wait=BUSY_TIMEOUT_MS + 1500):
        type_text(window, "Ljubljana is lovely ")
    other_writer.execute("COMMIT")  # the other program is done
    type_text(window, "Kranj ")
    settle(qtbot, window, store)
    assert (count(store, "Ljubljana"), count(store, "lovely"), count(store, "Kranj")) == (1, 1, 1)
    assert window.personal.state == "on"
    assert window.status.learning.text() == "Learning"


def test_what_waits_for_a_busy_store_is_done_in_its_order(
    qtbot: QtBot,
    window: MainWindow,
    store: PersonalStore,
    other_writer: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A word taken and its penalty (deleted at once) wait for a busy store together, and are
    done in the order sent: the word counted, then taken back (the other way round, the penalty
    would find nothing to lower and the word would stay learned)."""
    monkeypatch.setattr(worker, "LEARN_RETRY_S", 0.5)
    window.client.learn("Ljubljana", "\n")
    window.client.penalise("Ljubljana", "")
    engine = window.client._worker
    qtbot.waitUntil(lambda: engine._learn_held_until > 0, timeout=BUSY_TIMEOUT_MS + 5000)
    other_writer.execute("COMMIT")  # the other program is done before the retry
    qtbot.waitUntil(lambda: time.monotonic() > engine._learn_held_until, timeout=5000)
    settle(qtbot, window, store)  # its request wakes the engine thread, past the wait
    assert count(store, "Ljubljana") == 0


def test_what_waited_for_a_busy_store_is_learned_without_another_keystroke(
    qtbot: QtBot,
    window: MainWindow,
    store: PersonalStore,
    other_writer: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The retry timer alone brings in what waited, even when it fires before the wait is over
    (Qt's coarse timers may fire 5% early; here the wait is made 0.3 s longer than the timer's
    0.5 s): nothing else wakes the engine thread."""
    monkeypatch.setattr(worker, "LEARN_RETRY_S", 0.5)
    window.client.learn("Ljubljana", "\n")
    engine = window.client._worker
    qtbot.waitUntil(lambda: engine._learn_held_until > 0, timeout=BUSY_TIMEOUT_MS + 5000)
    engine._learn_held_until += 0.3  # the timer now fires before the wait is over
    other_writer.execute("COMMIT")  # the other program is done before the retry
    qtbot.waitUntil(lambda: count(store, "Ljubljana") == 1, timeout=5000)


@pytest.mark.parametrize("freed", [True, False], ids=["store-freed", "store-still-busy"])
def test_what_waits_for_a_busy_store_at_quit_is_learned_if_the_store_is_free_by_then(
    qtbot: QtBot,
    window: MainWindow,
    store: PersonalStore,
    other_writer: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    freed: bool,
) -> None:
    """Words held back are learned when the app quits, not dropped with the other work; a store
    still busy is waited for once more, then the app quits and says what was lost."""
    monkeypatch.setattr(worker, "LEARN_RETRY_S", 600)  # no retry before the quit
    window.client.learn("Ljubljana", "\n")
    window.client.learn("Kranj", " ")
    engine = window.client._worker
    qtbot.waitUntil(lambda: engine._learn_held_until > 0, timeout=BUSY_TIMEOUT_MS + 5000)
    if freed:
        other_writer.execute("COMMIT")  # the other program is done; the retry is minutes away
    window.shutdown()
    assert not window.client._thread.isRunning()
    lost = "quitting without learning the last words typed (2 requests)" in caplog.text
    learned = 1 if freed else 0
    assert (count(store, "Ljubljana"), count(store, "Kranj"), lost) == (learned, learned, not freed)


@pytest.mark.parametrize("line_break", ["\n", " "], ids=["paragraphs", "one-long-paragraph"])
def test_suggestions_are_answered_while_a_document_is_learned(
    qtbot: QtBot, window: MainWindow, store: PersonalStore, line_break: str
) -> None:
    paragraph = "Greetings from Ljubljana and the lovely lakes of Bled nearby. " * 16
    window.editor.set_text(line_break.join([paragraph] * 150))  # 150 kB: many pieces
    finished: list[int] = []
    window.client.document_done.connect(lambda words, _: finished.append(words))
    with qtbot.waitSignal(window.client.document_progress, timeout=20_000) as first:
        window.personal.learn_document()
    done, total = first.args[-2:]
    assert done < total / 10  # a short piece, whatever the paragraphs
    with qtbot.waitSignal(window.client.suggestions, timeout=20_000):
        window.client.suggest("The ", 3)
    assert not finished  # answered between two pieces, not after the whole document
    qtbot.waitUntil(lambda: bool(finished), timeout=120_000)
    assert count(store, "Ljubljana") == 150 * 16


def test_a_document_is_not_learned_while_learning_is_off(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    window.apply_settings(replace(window.settings, learning_enabled=False))
    window.editor.set_text("Zorblax visited Ljubljana")
    with qtbot.assertNotEmitted(window.client.document_done, wait=500):
        window.personal.learn_document()
    assert window.personal.progress is None
    assert window.status.currentMessage() == "Nothing is learned: learning off."
    settle(qtbot, window, store)
    assert count(store, "Zorblax") == 0
