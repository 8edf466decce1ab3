"""Where a continuation goes and what of it: a space before the word after the cursor, none
inside a word, only what the ghost text showed, in view, and dropped by a drop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.settings import Settings
from keyboard_app.ui.continuation import INSIDE_WORD, PREVIEW_KEYS
from keyboard_app.ui.main_window import MainWindow
from tests.ui.conftest import ContinuationEnds, preedit
from tests.ui.slow_stream import ENDLESS, ENDLESS_DEFAULT, SlowStream

CTRL = Qt.KeyboardModifier.ControlModifier
MakeWindow = Callable[..., MainWindow]
BigramModel = Callable[..., Path]


def endless_window(make_window: MakeWindow, bigram_model: BigramModel, tokens: int) -> MainWindow:
    """A model writing " the cat sat the cat sat ..." after any text."""
    settings = Settings(n_threads=1, continuation_tokens=tokens, inline_predictions=False)
    return make_window(settings, bigram_model(ENDLESS, ENDLESS_DEFAULT))


def put_cursor(window: MainWindow, text: str, position: int | None = None) -> None:
    """`text` in the editor, the cursor at `position` (the end when None), nothing to undo."""
    editor = window.editor
    editor.set_text(text)
    cursor = editor.textCursor()
    if position is None:
        cursor.movePosition(QTextCursor.MoveOperation.End)
    else:
        cursor.setPosition(position)
    editor.setTextCursor(cursor)
    editor.document().clearUndoRedoStacks()


def continue_to_the_end(qtbot: QtBot, window: MainWindow) -> None:
    ends = ContinuationEnds(window.client)
    press(window.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: bool(ends.outcomes), timeout=20_000)


def test_a_continuation_before_a_word_is_put_in_with_a_space_after_it(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model, tokens=3)
    put_cursor(window, "Hello world", 6)  # Hello |world
    continue_to_the_end(qtbot, window)
    preview = window.editor.preview_text
    assert preview == "the cat sat"  # the space after Hello healed: none before it
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text() == "Hello the cat sat world"
    window.editor.undo()
    assert window.editor.text() == "Hello world"


def test_a_continuation_before_a_space_or_a_mark_is_put_in_as_it_is(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model, tokens=3)
    put_cursor(window, "Hello there, world", 11)  # Hello there|, world
    continue_to_the_end(qtbot, window)
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text() == "Hello there the cat sat, world"


@pytest.mark.parametrize(
    ("text", "position"),
    [("The document", 8), ("안녕하세요 세상", 2)],  # The docu|ment; Korean spaces its words too
)
def test_no_continuation_starts_inside_a_word(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel, text: str, position: int
) -> None:
    """The model would finish the word's start ("docu": document) before the rest of it."""
    window = endless_window(make_window, bigram_model, tokens=3)
    put_cursor(window, text, position)
    for modifiers in (CTRL, CTRL | Qt.KeyboardModifier.ShiftModifier):  # and three ways on
        with (
            qtbot.waitSignal(window.continuation.message, timeout=1000) as told,
            qtbot.assertNotEmitted(window.client.continuation_piece, wait=200),
        ):
            press(window.editor, Qt.Key.Key_Return, modifiers)
        assert told.args == [INSIDE_WORD]
        assert not window.editor.preview_active and not window.alternatives.isVisible()
    assert window.editor.text() == text


def test_tab_or_enter_takes_only_what_the_ghost_text_shows(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """Pieces that come within the ghost text's interval wait for the next layout: a key pressed
    then takes what the user saw, not what was on its way."""
    window = endless_window(make_window, bigram_model, tokens=400)
    put_cursor(window, "Once upon a time")
    stream = SlowStream(window, 10_000)  # its pieces are handed on below, by hand
    press(window.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: len(stream.items) >= 3, timeout=10_000)
    for piece in (" the", " cat", " sat"):
        window.continuation._on_piece(0, piece)
    assert preedit(window) == " the"
    press(window.editor, Qt.Key.Key_Return)
    assert window.editor.text() == "Once upon a time the"


def test_a_drop_dismisses_the_preview(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """Text dragged from another program: no key or click before it dropped the preview."""
    window = endless_window(make_window, bigram_model, tokens=400)
    put_cursor(window, "Once upon a time\nthe end", len("Once upon a time"))
    with qtbot.waitSignal(window.client.continuation_piece, timeout=10_000):
        press(window.editor, Qt.Key.Key_Return, CTRL)
    mime = QMimeData()
    mime.setText(" Dropped.")
    end = window.editor.textCursor()
    end.movePosition(QTextCursor.MoveOperation.End)
    at = window.editor.cursorRect(end).center()  # on the other line
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    viewport = window.editor.viewport()
    QApplication.sendEvent(viewport, QDragEnterEvent(QPoint(at), copy, mime, left, none))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(at), copy, mime, left, none))
    assert not window.editor.preview_active
    assert not window.continuation.streaming
    assert window.editor.text() == "Once upon a time\nthe end Dropped."
    first_line = window.editor.document().firstBlock().layout()
    assert first_line.preeditAreaText() == ""  # no ghost text left where it showed


def test_continuing_brings_the_cursor_into_view(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model, tokens=20)
    editor = window.editor
    put_cursor(window, "\n".join(f"line {i} of the document" for i in range(300)))
    bar = editor.verticalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderToMinimum)  # scrolled up to read the start
    assert not editor.viewport().rect().intersects(editor.cursorRect())
    continue_to_the_end(qtbot, window)
    assert editor.viewport().rect().intersects(editor.cursorRect())


def test_chinese_text_is_continued_anywhere_and_joined_without_a_space(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """Chinese runs on without spaces between words: no position is inside a word, and no space
    goes between a continuation and the text after it."""
    window = endless_window(make_window, bigram_model, tokens=3)
    put_cursor(window, "我喜欢吃苹果", 3)
    told: list[str] = []
    window.continuation.message.connect(told.append)
    continue_to_the_end(qtbot, window)
    assert told == [PREVIEW_KEYS]  # the keys, and no refusal (`INSIDE_WORD`)
    preview = window.editor.preview_text
    assert preview
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text() == "我喜欢" + preview + "吃苹果"
