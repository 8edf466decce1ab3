"""The recovery file of a large document is written without holding up the window: the text is
read a slice at a time (following the edits made meanwhile), then encoded and written in a thread
of its own, one write at a time, the newest winning."""

from __future__ import annotations

import contextlib
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from keyboard_app import files
from keyboard_app.ui import recovery, text_snapshot
from keyboard_app.ui.editor import Editor
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.recovery import read_recovery
from keyboard_app.ui.text_snapshot import TextSnapshot
from tests.ui.conftest import type_text

MakeWindow = Callable[..., MainWindow]
LINE = "The quick brown fox jumps over the lazy dog, again and again and again.\n"
# Typed or deleted at random places while the text is read: letters, line breaks (a block more),
# a character outside the BMP (two of Qt's positions), a line break deleted (two blocks joined).
INSERTIONS = ["x", "word ", "\n", "😀", "a\nb"]


def random_edit(editor: Editor, chance: random.Random) -> None:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(chance.randrange(editor.document().characterCount()))
    if chance.random() < 0.6:
        cursor.insertText(chance.choice(INSERTIONS))
    else:
        cursor.movePosition(
            QTextCursor.MoveOperation.NextCharacter,
            QTextCursor.MoveMode.KeepAnchor,
            chance.randint(1, 3),
        )
        cursor.removeSelectedText()


@pytest.mark.parametrize("long_line", [False, True], ids=["lines", "a-long-line"])
def test_the_text_read_in_slices_is_the_text_at_its_end_whatever_was_edited_meanwhile(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, long_line: bool
) -> None:
    monkeypatch.setattr(text_snapshot, "SNAPSHOT_SLICE_UNITS", 64)
    editor = Editor()
    qtbot.addWidget(editor)
    text = LINE * 300
    if long_line:  # held as several blocks, joined again when read
        text = LINE * 100 + "long " * 4000 + "\n" + LINE * 100
    editor.set_text(text)
    chance = random.Random(7)
    read: list[tuple[str, str]] = []  # what the snapshot gave, and the editor's text then
    snapshot = TextSnapshot(editor, lambda parts: read.append(("".join(parts), editor.text())))
    edits = 0

    def edit() -> None:
        nonlocal edits
        if not read and edits < 300:
            random_edit(editor, chance)
            edits += 1
            QTimer.singleShot(0, edit)

    snapshot.start()
    QTimer.singleShot(0, edit)  # an edit between every two slices
    qtbot.waitUntil(lambda: bool(read), timeout=30_000)
    assert edits == 300  # all of them while it was reading
    given, current = read[0]
    assert given == current
    assert given != text


def stalls_while(qtbot: QtBot, done: Callable[[], bool]) -> float:
    """The longest time, in ms, the window's event loop did not run until `done`: of the clock's
    time and the process's CPU time between two turns, the shorter. Work holding the loop up
    (on the GUI thread, or holding Python's lock) adds to both; a loaded machine that runs
    something else meanwhile adds to the clock's time alone."""
    ticks: list[tuple[float, float]] = []
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.process_time())))
    timer.start()
    qtbot.waitUntil(done, timeout=60_000)
    qtbot.wait(50)
    timer.stop()
    gaps = (
        min(later[0] - earlier[0], later[1] - earlier[1])
        for earlier, later in itertools.pairwise(ticks)
    )
    return max(gaps) * 1000


def test_a_large_document_is_written_without_holding_up_the_window(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """16 MB: written at once on the GUI thread, the window stood still for about 0.2 s (0.8 s for
    64 MB); now it goes on answering, between slices of a few ms."""
    monkeypatch.setattr(recovery, "AUTOSAVE_DELAY_MS", 100)
    window = make_window()
    window.editor.set_text(LINE * (16_000_000 // len(LINE)))
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    saved: list[str] = []
    window.autosaver.saved.connect(saved.append)
    type_text(window, "The end.")
    assert stalls_while(qtbot, lambda: bool(saved)) < 100
    found = read_recovery(window.autosaver.path)
    assert found is not None and found.text == window.editor.text()


@pytest.fixture
def gated_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[str]]]:
    """Writes of the recovery file wait for the event before they start (each one's thread name
    is listed as it waits), to hold one in the middle of being made."""
    gate = threading.Event()
    writers: list[str] = []
    real = files.atomic_path

    @contextlib.contextmanager
    def gated(path: Path, **options: bool) -> Iterator[Path]:
        writers.append(threading.current_thread().name)
        assert gate.wait(10)
        with real(path, **options) as temporary:
            yield temporary

    monkeypatch.setattr(recovery, "atomic_path", gated)
    yield gate, writers
    gate.set()


def test_the_newest_text_is_written_last_and_an_overtaken_write_is_not_made(
    qtbot: QtBot,
    make_window: MakeWindow,
    monkeypatch: pytest.MonkeyPatch,
    gated_writes: tuple[threading.Event, list[str]],
) -> None:
    """A write in the writer's thread is held up while a newer one is asked for there and the
    GUI thread then writes the newest text itself (as on a crash): the GUI thread waits for the
    write in progress (never two writers on one file), and the one asked for in between, older
    than its own, is not made."""
    gate, writers = gated_writes
    monkeypatch.setattr(recovery, "AUTOSAVE_DELAY_MS", 50)
    window = make_window()
    type_text(window, "one")
    qtbot.waitUntil(lambda: len(writers) == 1, timeout=5000)  # held, with "one"
    type_text(window, " two")
    qtbot.wait(300)  # read and handed to the writer's thread, behind the write held
    type_text(window, " three")
    threading.Timer(0.3, gate.set).start()
    window.autosaver.flush()  # waits for the write held, then writes the newest text
    qtbot.wait(300)
    found = read_recovery(window.autosaver.path)
    assert found is not None and found.text == "one two three"
    assert len(writers) == 2 and writers[0].startswith("recovery-writer")
    assert writers[1] == threading.main_thread().name


def test_a_write_asked_for_before_the_save_is_not_made_after_it(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The writer's thread is busy when a write of the text is asked for, and the text is saved
    before it gets to it: that write is not made, or the next start would offer back text already
    saved."""
    monkeypatch.setattr(recovery, "AUTOSAVE_DELAY_MS", 50)
    window = make_window()
    autosaver = window.autosaver
    with qtbot.waitSignal(autosaver.saved, timeout=5000):
        type_text(window, "one")
    busy = threading.Event()
    autosaver._writer.submit(busy.wait, 10)  # the writer's thread, busy
    asked = autosaver._newest
    type_text(window, " two")
    qtbot.waitUntil(lambda: autosaver._newest > asked, timeout=5000)  # asked for, waiting
    assert window.documents.write(tmp_path / "saved.txt")
    assert not autosaver.path.exists()
    busy.set()
    autosaver._writer.submit(lambda: None).result(timeout=10)  # what waited, done
    assert not autosaver.path.exists()
