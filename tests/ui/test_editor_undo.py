"""The editor's own changes (a word taken, a mark, a continuation accepted) as undo steps: each
is one step, what is typed after it is another, and redone it leaves the cursor after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.ui.editor import Editor


@pytest.fixture
def editor(qtbot: QtBot) -> Editor:
    made = Editor()
    qtbot.addWidget(made)
    made.show()
    return made


def undone_by_keys(editor: Editor, times: int) -> list[str]:
    """The text after each of `times` Ctrl+Z."""
    texts = []
    for _ in range(times):
        press(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        texts.append(editor.text())
    return texts


def put_cursor(editor: Editor, position: int) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(position)
    editor.setTextCursor(cursor)


@pytest.mark.parametrize("before", ["Thanks", "Thanks and more", "One line\nThanks"])
@pytest.mark.parametrize("remove", [0, 2])
@pytest.mark.parametrize("text", [",", "ok ", "é", "\U0001f600", "well,\nI", "well\n", "a\n\nb c"])
def test_a_change_redone_leaves_the_cursor_after_it(
    editor: Editor, before: str, remove: int, text: str
) -> None:
    editor.set_text(before)
    at = before.index("Thanks") + len("Thanks")
    put_cursor(editor, at)
    editor.replace_before_cursor(remove, text)
    changed, position = editor.text(), editor.textCursor().position()
    assert changed == before[: at - remove] + text + before[at:]
    type_char(editor, "q")
    editor.undo()
    assert editor.text() == changed  # the letter typed after is a step of its own
    editor.undo()
    assert editor.text() == before
    editor.redo()
    assert (editor.text(), editor.textCursor().position()) == (changed, position)


def test_typing_is_undone_a_word_and_its_space_at_a_time(editor: Editor) -> None:
    """Qt undid all that was typed in a row at once: a paragraph for one Ctrl+Z."""
    for char in "Hello world again, more":
        type_char(editor, char)
    assert undone_by_keys(editor, 4) == ["Hello world again, ", "Hello world ", "Hello ", ""]
    for _ in range(4):
        editor.redo()
    assert editor.text() == "Hello world again, more"
    assert editor.textCursor().position() == len("Hello world again, more")


def test_a_space_typed_after_a_change_of_the_app_goes_with_the_word_after_it(
    editor: Editor,
) -> None:
    """It was an undo step by itself: an undo took back `you` and left the space."""
    for char in "Thanks f":
        type_char(editor, char)
    editor.replace_before_cursor(1, "for,")  # a word taken and a mark, as the app puts them in
    for char in " you all":
        type_char(editor, char)
    assert undone_by_keys(editor, 3) == ["Thanks for, you ", "Thanks for,", "Thanks f"]


def test_a_letter_an_input_method_commits_stays_in_its_words_step(editor: Editor) -> None:
    """Dead keys and Compose reach Qt as input-method commits: café was undone in two."""
    for char in "un caf":
        type_char(editor, char)
    commit(editor, "é")
    for char in " au lait":
        type_char(editor, char)
    undone = []
    while editor.document().isUndoAvailable():
        editor.undo()
        undone.append(editor.text())
    assert undone == ["un café au ", "un café ", "un ", ""]


def commit(editor: Editor, text: str) -> None:
    """`text` committed by an input method (no composition)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(editor, event)


@pytest.mark.parametrize("typed_by", [type_char, commit])
def test_a_letter_that_wraps_a_paragraph_half_out_of_view_at_the_top_is_typed(
    editor: Editor, typed_by: Callable[[Editor, str], None]
) -> None:
    """A key that starts an undo step was handled by Qt inside an edit block, which laid out the
    paragraph with its lines as they were: where the letter made the top paragraph, its first
    line scrolled out of view, a line longer, the app crashed (a segmentation fault)."""
    editor.resize(800, 596)
    words = "the quick brown fox jumps over the lazy dog " * 10
    text = "\n".join(words[: 40 + (i * 37) % 260] for i in range(30))
    editor.set_text(text)
    top = editor.document().findBlockByNumber(2)
    for position in range(top.position() + 70, top.position() + top.length()):
        press(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        while editor.textCursor().position() > position:  # the view scrolls up a line at a time
            press(editor, Qt.Key.Key_Up)
        while editor.textCursor().position() < position:
            press(editor, Qt.Key.Key_Right)
        assert editor.firstVisibleBlock().blockNumber() == 2
        typed_by(editor, "x")  # the first key after a move starts a step
        assert editor.text() == text[:position] + "x" + text[position:]
        editor.undo()
        assert editor.text() == text


def test_a_commit_that_says_where_the_cursor_goes_is_left_to_qt(editor: Editor) -> None:
    editor.set_text("abcdef")
    put_cursor(editor, 6)
    selection = QInputMethodEvent.Attribute(QInputMethodEvent.AttributeType.Selection, 0, 0)
    event = QInputMethodEvent("", [selection])
    event.setCommitString("Q")
    QApplication.sendEvent(editor, event)
    assert (editor.text(), editor.textCursor().position()) == ("abcdefQ", 0)
