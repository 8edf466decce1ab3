"""Continuation: ghost text streams in, Esc stops it, Tab/Enter accept it as one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from keyboard_app.settings import Settings
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.typing import press, type_char

CTRL = Qt.KeyboardModifier.ControlModifier


def start_continuation(qtbot: QtBot, window: MainWindow, text: str = "Once upon a time") -> None:
    window.editor.setPlainText(text)
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    window.editor.document().clearUndoRedoStacks()
    with qtbot.waitSignal(window.client.continuation_piece, timeout=10_000):
        press(window.editor, Qt.Key.Key_Return, CTRL)


def wait_until_streamed(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.continuation.streaming, timeout=20_000)


def test_preview_streams_as_ghost_text(qtbot: QtBot, window: MainWindow) -> None:
    pieces: list[str] = []
    window.client.continuation_piece.connect(lambda _index, piece: pieces.append(piece))
    start_continuation(qtbot, window)
    wait_until_streamed(qtbot, window)
    assert len(pieces) > 1
    assert window.editor.preview_text == "".join(pieces)
    # Ghost text is shown in the layout, not in the document.
    assert window.editor.toPlainText() == "Once upon a time"
    layout = window.editor.textCursor().block().layout()
    assert layout.preeditAreaText() == window.editor.preview_text.replace("\n", "\u2028")
    assert not window.editor.document().isModified()


def test_tab_accepts_as_one_undo_step(qtbot: QtBot, window: MainWindow) -> None:
    start_continuation(qtbot, window)
    wait_until_streamed(qtbot, window)
    preview = window.editor.preview_text
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "Once upon a time" + preview
    assert not window.editor.preview_active
    window.editor.undo()
    assert window.editor.toPlainText() == "Once upon a time"


def test_enter_accepts_while_still_streaming(qtbot: QtBot, window: MainWindow) -> None:
    start_continuation(qtbot, window)
    press(window.editor, Qt.Key.Key_Return)
    accepted = window.editor.toPlainText()
    assert accepted.startswith("Once upon a time")
    assert len(accepted) > len("Once upon a time")
    assert not window.continuation.streaming
    qtbot.wait(200)  # pieces still on their way must not reach the editor
    assert window.editor.toPlainText() == accepted


def test_esc_stops_at_once_and_discards(qtbot: QtBot, window: MainWindow) -> None:
    long = Settings(n_threads=1, continuation_tokens=200)
    window.apply_settings(long)
    start_continuation(qtbot, window)
    pieces: list[str] = []
    window.client.continuation_piece.connect(lambda _index, piece: pieces.append(piece))
    press(window.editor, Qt.Key.Key_Escape)
    assert not window.continuation.streaming
    assert not window.editor.preview_active
    assert window.editor.toPlainText() == "Once upon a time"
    qtbot.wait(300)
    assert pieces == []
    assert not window.menu_actions.stop.isEnabled()


def test_stop_button_keeps_the_preview(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(Settings(n_threads=1, continuation_tokens=200))
    start_continuation(qtbot, window)
    assert window.menu_actions.stop.isEnabled()
    window.menu_actions.stop.trigger()
    kept = window.editor.preview_text
    assert kept and not window.continuation.streaming
    qtbot.wait(200)
    assert window.editor.preview_text == kept
    press(window.editor, Qt.Key.Key_Escape)
    assert window.editor.toPlainText() == "Once upon a time"


def test_typing_discards_the_preview(qtbot: QtBot, window: MainWindow) -> None:
    start_continuation(qtbot, window)
    type_char(window.editor, ",")
    assert not window.editor.preview_active
    assert not window.continuation.streaming
    assert window.editor.toPlainText() == "Once upon a time,"
    qtbot.wait(200)
    assert window.editor.toPlainText() == "Once upon a time,"


def test_three_ways_on(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("The door opened and")
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    window.editor.document().clearUndoRedoStacks()
    press(window.editor, Qt.Key.Key_Return, CTRL | Qt.KeyboardModifier.ShiftModifier)
    panel = window.alternatives
    assert panel.isVisible()
    qtbot.waitUntil(lambda: all(panel.text(i) for i in range(3)), timeout=20_000)
    wait_until_streamed(qtbot, window)
    second = panel.text(1)
    panel.buttons[1].click()
    assert not panel.isVisible()
    assert window.editor.toPlainText() == "The door opened and" + second
    window.editor.undo()
    assert window.editor.toPlainText() == "The door opened and"


def test_esc_closes_three_ways_on(qtbot: QtBot, window: MainWindow) -> None:
    window.continuation.start_alternatives()
    assert window.alternatives.isVisible()
    press(window.editor, Qt.Key.Key_Escape)
    assert not window.alternatives.isVisible()
    assert not window.continuation.streaming


def test_preview_wraps_inside_the_column(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1200, 700)
    window.menu_actions.explorer.trigger()  # the editor narrows
    start_continuation(qtbot, window, "word " * 40)
    wait_until_streamed(qtbot, window)
    assert window.editor.horizontalScrollBar().maximum() == 0


def test_closing_during_a_continuation_is_clean(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(Settings(n_threads=1, continuation_tokens=400))
    start_continuation(qtbot, window)
    window.editor.document().setModified(False)
    thread = window.client._thread
    assert window.close()
    assert thread.isFinished()
