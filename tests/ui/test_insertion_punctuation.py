"""The space added after a word taken from the strip: a closing mark typed right after it takes
its place, a Space is absorbed, anything else keeps it; undo, Backspace and learning still work."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.personal import PersonalStore
from keyboard_app.ui.main_window import MainWindow

from .conftest import input_method, settle, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def take_with_tab(qtbot: QtBot, window: MainWindow, text: str) -> str:
    """Type `text`, wait for its strip and take the middle word with Tab; returns the word."""
    type_text(window, text)
    qtbot.waitUntil(
        lambda: window.strip.context == window.editor.context() and bool(window.strip.best()),
        timeout=10_000,
    )
    word = window.strip.best()
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text().endswith(f"{word} ")
    return word


@pytest.mark.parametrize("mark", [",", ".", "?", "!", ";", ":", ")", "\u201d", "\u2026"])
def test_a_closing_mark_takes_the_place_of_the_added_space(
    qtbot: QtBot, window: MainWindow, mark: str
) -> None:
    word = take_with_tab(qtbot, window, "Thanks f")
    type_text(window, mark)
    assert window.editor.text() == f"Thanks {word}{mark}"
    type_text(window, " ok")
    assert window.editor.text() == f"Thanks {word}{mark} ok"


@pytest.mark.parametrize(
    ("text", "mark", "closes"),
    [
        ('He said "Thanks f', '"', True),  # closes the quotation opened on the line
        ("Then run `git f", "`", True),  # closes inline code
        ("Thanks f", '"', False),  # opens a quotation: the space stays before it
        ("Thanks f", "`", False),
    ],
)
def test_a_quote_or_backtick_takes_the_added_space_only_where_it_closes(
    qtbot: QtBot, window: MainWindow, text: str, mark: str, closes: bool
) -> None:
    word = take_with_tab(qtbot, window, text)
    type_text(window, mark)
    before = text.rpartition(" ")[0]
    assert window.editor.text() == f"{before} {word}{'' if closes else ' '}{mark}"


@pytest.mark.parametrize(("committed", "after"), [(",", ","), (" ", " "), ("?", "?")])
def test_an_input_methods_space_or_mark_acts_as_the_key(
    qtbot: QtBot, window: MainWindow, committed: str, after: str
) -> None:
    """An on-screen keyboard commits its keys through the input method: a mark stood after the
    added space (`for ,`), a space made two."""
    word = take_with_tab(qtbot, window, "Thanks f")
    input_method(window, commit=committed)
    assert window.editor.text() == f"Thanks {word}{after}"


def test_a_mark_typed_with_shift_held_first_attaches_too(qtbot: QtBot, window: MainWindow) -> None:
    """A real keyboard sends Shift's own key press before "?": it must not count as a key."""
    word = take_with_tab(qtbot, window, "Will you call tomor")
    QTest.keyPress(window.editor, Qt.Key.Key_Shift)
    QTest.keyClick(window.editor, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyRelease(window.editor, Qt.Key.Key_Shift)
    assert window.editor.text() == f"Will you call {word}?"


def test_a_space_right_after_the_added_space_is_absorbed(qtbot: QtBot, window: MainWindow) -> None:
    word = take_with_tab(qtbot, window, "Thanks f")
    type_text(window, " ")
    assert window.editor.text() == f"Thanks {word} "
    type_text(window, " ")  # only the first: a second Space is the user's own
    assert window.editor.text() == f"Thanks {word}  "


def test_after_any_other_key_or_a_move_the_space_stays(qtbot: QtBot, window: MainWindow) -> None:
    word = take_with_tab(qtbot, window, "Thanks f")
    type_text(window, "x,")
    assert window.editor.text() == f"Thanks {word} x,"
    window.editor.clear()
    word = take_with_tab(qtbot, window, "Thanks f")
    press(window.editor, Qt.Key.Key_Left)
    press(window.editor, Qt.Key.Key_Right)
    type_text(window, ",")
    assert window.editor.text() == f"Thanks {word} ,"


def test_after_a_click_where_the_cursor_is_the_space_stays(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A click forgets the added space even when it leaves the cursor where it was."""
    word = take_with_tab(qtbot, window, "Thanks f")
    end = window.editor.textCursor().position()
    QTest.mouseClick(
        window.editor.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.editor.cursorRect().center(),
    )
    assert window.editor.textCursor().position() == end
    type_text(window, ",")
    assert window.editor.text() == f"Thanks {word} ,"


def test_a_typed_space_is_never_taken_back(qtbot: QtBot, window: MainWindow) -> None:
    """Only the space the app added: after a word typed out, "," stays after the user's space."""
    type_text(window, "Thanks for ,")
    assert window.editor.text() == "Thanks for ,"


def test_undo_takes_back_the_mark_then_the_word_cleanly(qtbot: QtBot, window: MainWindow) -> None:
    word = take_with_tab(qtbot, window, "Thanks f")
    type_text(window, ",")
    press(window.editor, Qt.Key.Key_Z, CTRL)
    assert window.editor.text() == f"Thanks {word}"
    press(window.editor, Qt.Key.Key_Z, CTRL)
    assert window.editor.text() == "Thanks f"


@pytest.mark.parametrize("after", ["", " and more"], ids=["at-the-end", "before-more-text"])
def test_redo_of_the_mark_leaves_the_cursor_after_it(
    qtbot: QtBot, window: MainWindow, after: str
) -> None:
    """Redone, a mark that took the added space's place (one character, the cursor after it)
    put the cursor one character too far, or at the text's start when the mark ended it."""
    word = take_with_tab(qtbot, window, "Thanks f")
    window.editor.insertPlainText(after)
    cursor = window.editor.textCursor()
    cursor.setPosition(len(f"Thanks {word} "))
    window.editor.setTextCursor(cursor)
    window.editor.mark_added_space()
    type_text(window, ",")
    press(window.editor, Qt.Key.Key_Z, CTRL)
    press(window.editor, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.editor.text() == f"Thanks {word},{after}"
    assert window.editor.textCursor().position() == len(f"Thanks {word},")
    type_text(window, "x")
    assert window.editor.text() == f"Thanks {word},x{after}"


def test_undo_after_an_absorbed_space_takes_back_the_word(qtbot: QtBot, window: MainWindow) -> None:
    take_with_tab(qtbot, window, "Thanks f")
    type_text(window, " ")
    press(window.editor, Qt.Key.Key_Z, CTRL)
    assert window.editor.text() == "Thanks f"


def test_backspace_after_a_take_deletes_the_space_as_before(
    qtbot: QtBot, window: MainWindow
) -> None:
    word = take_with_tab(qtbot, window, "Thanks f")
    press(window.editor, Qt.Key.Key_Backspace)
    assert window.editor.text() == f"Thanks {word}"
    type_text(window, " ,")  # the user's own space now
    assert window.editor.text() == f"Thanks {word} ,"


def test_a_word_taken_then_a_mark_is_learned_once(
    qtbot: QtBot, window: MainWindow, store: PersonalStore
) -> None:
    """The mark is told as the Backspace and the mark the user would have typed: the word is
    learned with its mark when the chunk is finished, not also on its own."""
    word = take_with_tab(qtbot, window, "Thanks f")
    type_text(window, ", ")
    settle(qtbot, window, store)
    assert store.word_counts([word])[word] == 1
