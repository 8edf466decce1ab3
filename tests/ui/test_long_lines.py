"""Nothing freezes the editor: a line of any length, a document of megabytes, typed into with real
key events; the text read back (saved, given to the engine, copied) is always the text typed."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.engine.window import TEXT_NEEDED
from keyboard_app.ui.long_lines import CHUNK, LONG_LINE, insert_text, split_line
from keyboard_app.ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
LONG = "abcdefghij" * 30_000  # 300 KB without a space


def blocks(win: MainWindow) -> list[str]:
    document = win.editor.document()
    return [document.findBlockByNumber(n).text() for n in range(document.blockCount())]


def open_at_end(win: MainWindow, path: Path) -> None:
    assert win.documents.load(path)
    win.editor.moveCursor(QTextCursor.MoveOperation.End)


def keystroke_ms(qtbot: QtBot, win: MainWindow, text: str) -> list[float]:
    """The time each key takes on the GUI thread, the repaint after it included."""
    times = []
    for char in text:
        started = time.perf_counter()
        type_char(win.editor, char)
        win.editor.viewport().repaint()
        times.append((time.perf_counter() - started) * 1000)
    return times


def test_a_300_kb_line_opens_and_types_at_once(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text(LONG, "utf-8")
    win = make_window()
    started = time.perf_counter()
    open_at_end(win, path)
    win.editor.viewport().repaint()
    assert time.perf_counter() - started < 2.0  # was 10 s
    assert max(len(block) for block in blocks(win)) <= CHUNK
    assert statistics.median(keystroke_ms(qtbot, win, "hello")) < 100  # was 1,700 ms
    assert win.editor.text() == LONG + "hello"
    assert win.documents.save()
    assert path.read_text("utf-8") == LONG + "hello"


def test_a_2_mb_line_opens(make_window: MakeWindow, tmp_path: Path) -> None:
    path = tmp_path / "two-mb.txt"
    path.write_text("0123456789" * 200_000, "utf-8")
    win = make_window()
    open_at_end(win, path)
    win.editor.viewport().repaint()
    assert win.editor.text() == "0123456789" * 200_000


def test_enter_inside_a_long_line_starts_a_real_line(qtbot: QtBot, make_window: MakeWindow) -> None:
    win = make_window()
    win.editor.set_text(LONG)
    cursor = win.editor.textCursor()
    cursor.setPosition(CHUNK + 10)  # inside the second block of the line
    win.editor.setTextCursor(cursor)
    press(win.editor, Qt.Key.Key_Return)
    before, after = win.editor.text().split("\n")
    assert before + after == LONG
    press(win.editor, Qt.Key.Key_Backspace)
    assert win.editor.text() == LONG
    win.editor.undo()
    win.editor.undo()
    assert win.editor.text() == LONG


@pytest.mark.parametrize("shift", [False, True])  # Shift held from a capital: a Backspace too
def test_backspace_and_delete_where_blocks_meet_remove_a_character(
    qtbot: QtBot, make_window: MakeWindow, shift: bool
) -> None:
    win = make_window()
    win.editor.set_text(LONG)
    second = win.editor.document().findBlockByNumber(1)
    cursor = win.editor.textCursor()
    cursor.setPosition(second.position())  # at the start of the line's second block
    win.editor.setTextCursor(cursor)
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    press(win.editor, Qt.Key.Key_Backspace, modifier)
    assert win.editor.text() == LONG[: CHUNK - 1] + LONG[CHUNK:]
    cursor = win.editor.textCursor()
    cursor.setPosition(win.editor.document().findBlockByNumber(0).length() - 1)  # block end
    win.editor.setTextCursor(cursor)
    press(win.editor, Qt.Key.Key_Delete)
    assert win.editor.text() == LONG[: CHUNK - 1] + LONG[CHUNK + 1 :]


def test_deleting_across_blocks_and_undoing_keeps_the_text(make_window: MakeWindow) -> None:
    win = make_window()
    text = "start\n" + LONG + "\nend"
    win.editor.set_text(text)
    cursor = win.editor.textCursor()
    cursor.setPosition(3)
    cursor.setPosition(3 * CHUNK, QTextCursor.MoveMode.KeepAnchor)
    removed = win.editor.text_between(3, 3 * CHUNK)
    cursor.removeSelectedText()
    assert win.editor.text() == text.replace(removed, "", 1)
    win.editor.undo()
    assert win.editor.text() == text
    win.editor.redo()
    win.editor.undo()
    assert win.editor.text() == text


def test_paste_and_copy_of_a_long_line(qtbot: QtBot, make_window: MakeWindow) -> None:
    win = make_window()
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("first\n" + LONG + "\nlast")
    press(win.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "first\n" + LONG + "\nlast"
    assert max(len(block) for block in blocks(win)) <= CHUNK
    win.editor.selectAll()
    press(win.editor, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "first\n" + LONG + "\nlast"


def test_accepting_text_with_line_breaks_in_a_long_line(make_window: MakeWindow) -> None:
    win = make_window()
    win.editor.set_text(LONG)
    cursor = win.editor.textCursor()
    cursor.setPosition(CHUNK + 5)  # the text's offset CHUNK + 4: blocks are apart by a position
    win.editor.setTextCursor(cursor)
    win.editor.replace_before_cursor(0, "\nnew line\n")
    assert win.editor.text() == LONG[: CHUNK + 4] + "\nnew line\n" + LONG[CHUNK + 4 :]


def test_a_word_taken_across_the_seam_of_a_long_lines_blocks_replaces_the_letters_typed(
    make_window: MakeWindow,
) -> None:
    """A line without spaces is cut at CHUNK characters: "hotel" here spans the cut."""
    win = make_window()
    line = "a" * (CHUNK - 3) + "hotel" + "," + "b" * LONG_LINE
    win.editor.set_text(line)
    assert len(blocks(win)) > 1
    cursor = win.editor.textCursor()
    cursor.setPosition(CHUNK - 3 + len("hotel") + 1)  # the seam is a position of its own
    win.editor.setTextCursor(cursor)
    assert win.editor.context().endswith("ahotel")
    win.editor.replace_before_cursor(len("hotel"), "hotels ")
    assert win.editor.text() == "a" * (CHUNK - 3) + "hotels ," + "b" * LONG_LINE


def test_a_word_taken_after_combining_marks_replaces_exactly_the_letters_typed(
    make_window: MakeWindow,
) -> None:
    """Qt steps over a grapheme cluster (a letter and its marks) at once; the engine counts
    characters."""
    win = make_window()
    typed = "re\u0301sum"  # e and a combining acute accent: one cluster, two characters
    win.editor.set_text(f"I say {typed}")
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    win.editor.replace_before_cursor(len(typed), "r\u00e9sum\u00e9 ")
    assert win.editor.text() == "I say r\u00e9sum\u00e9 "


def test_the_context_is_the_text_before_the_cursor(make_window: MakeWindow) -> None:
    win = make_window()
    text = "line one\n" + "word " * 3000 + "\u00a0x" + "é😀" * 2000
    win.editor.set_text(text)
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    context = win.editor.context()
    assert text.replace("\u00a0", " ").endswith(context)
    assert len(context) >= TEXT_NEEDED


def test_splitting_breaks_after_a_space_and_never_before_a_combining_mark() -> None:
    prose = ("word " * 2000).strip()
    pieces = split_line(prose)
    assert "".join(pieces) == prose
    assert all(len(piece) <= CHUNK and piece.endswith(" ") for piece in pieces[:-1])
    accents = "e\u0301" * LONG_LINE
    pieces = split_line(accents)
    assert "".join(pieces) == accents
    assert all(piece[0] == "e" for piece in pieces)


def test_typing_at_the_end_of_a_2_mb_document_reads_only_its_end(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    line = "The quick brown fox jumps over the lazy dog and keeps on running far away. "
    text = "\n".join(line[: 40 + n % 35] for n in range(31_000))
    path = tmp_path / "big.txt"
    path.write_text(text, "utf-8")
    win = make_window()
    open_at_end(win, path)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        context = win.editor.context()
        timings.append((time.perf_counter() - started) * 1000)
    assert statistics.median(timings) < 3.0  # was 15 ms, two or three times a keystroke
    assert text.endswith(context) and len(context) >= TEXT_NEEDED
    keystroke_ms(qtbot, win, " and more")
    assert win.editor.text() == text + " and more"


@pytest.mark.parametrize("text", ["\ufeffab", "\ufffeab", "\ufeff" + LONG])
def test_a_text_starting_like_a_byte_order_mark_is_inserted_as_it_is(
    make_window: MakeWindow, text: str
) -> None:
    win = make_window()  # PySide6 would drop U+FEFF and byte-swap a text after U+FFFE
    win.editor.replace_before_cursor(0, text)
    assert win.editor.text() == text
    win.editor.undo()
    assert win.editor.text() == ""


def test_pasting_a_text_that_starts_like_a_byte_order_mark_is_one_undo_step(
    make_window: MakeWindow,
) -> None:
    win = make_window()  # what a paste does with the clipboard's text (PySide6's QMimeData.setText
    cursor = win.editor.textCursor()  # would itself byte-swap it)
    insert_text(cursor, "\ufffeab")
    assert win.editor.text() == "\ufffeab"
    win.editor.undo()
    assert win.editor.text() == ""


def test_the_strip_follows_a_pasted_long_line_joined(qtbot: QtBot, window: MainWindow) -> None:
    """The paste that first splits a line: what the strip is asked for while the text goes in
    already joins the line's blocks (no line breaks at their seams), so its words are for the
    text before the cursor and Tab takes one."""
    win = window
    QGuiApplication.clipboard().setText("ab " * 3000)  # one line of 9,000 characters
    press(win.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "\n" not in win.editor.context()
    qtbot.waitUntil(lambda: win.strip.context == win.editor.context(), timeout=10_000)


def test_the_strip_follows_an_opened_long_line_joined(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("ab " * 3000, "utf-8")
    win = window
    open_at_end(win, path)
    assert "\n" not in win.editor.context()
    qtbot.waitUntil(lambda: win.strip.context == win.editor.context(), timeout=10_000)
