"""Continuation: ghost text streams in, Esc stops it, Tab/Enter accept it as one undo step."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.engine.tokenizer import load_encoding
from keyboard_app.settings import Settings
from keyboard_app.ui.continuation import ALTERNATIVE_TOKENS, NOTHING_TO_ADD, PREVIEW_KEYS
from keyboard_app.ui.editor import GHOST_INTERVAL_MS
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.worker import FINISHED, STOPPED
from tests.ui.conftest import ContinuationEnds, input_method, preedit, type_text
from tests.ui.slow_stream import ENDLESS, ENDLESS_DEFAULT, SlowStream

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LONG = Settings(n_threads=1, continuation_tokens=400)
MakeWindow = Callable[..., MainWindow]
BigramModel = Callable[..., Path]
# After "Once upon a time": ", there was" and the end.
THERE_WAS = {
    " time": {",": 9.0},
    ",": {" there": 9.0},
    " there": {" was": 9.0},
    " was": {"<eot>": 9.0},
}


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


@pytest.mark.parametrize("key", [Qt.Key.Key_Tab, Qt.Key.Key_Escape])
def test_the_status_bar_tells_the_keys_while_the_preview_shows(
    qtbot: QtBot, window: MainWindow, key: Qt.Key
) -> None:
    """The grey text says nothing of how to keep or drop it; once kept or dropped, the keys
    told go."""
    start_continuation(qtbot, window)
    assert window.status.currentMessage() == PREVIEW_KEYS
    wait_until_streamed(qtbot, window)
    press(window.editor, key)
    assert window.status.currentMessage() == ""


def wait_for_the_end(qtbot: QtBot, ends: ContinuationEnds) -> None:
    """Wait until the engine thread has ended the continuation and its last pieces are in."""
    qtbot.waitUntil(lambda: bool(ends.outcomes), timeout=20_000)


def test_enter_accepts_while_still_streaming(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(LONG)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    with qtbot.assertNotEmitted(window.client.continuation_piece):
        press(window.editor, Qt.Key.Key_Return)
        accepted = window.editor.toPlainText()
        assert accepted.startswith("Once upon a time")
        assert len(accepted) > len("Once upon a time")
        assert not window.continuation.streaming
        wait_for_the_end(qtbot, ends)
    assert window.editor.toPlainText() == accepted


def test_esc_stops_at_once_and_discards(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(LONG)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    with qtbot.assertNotEmitted(window.client.continuation_piece):
        press(window.editor, Qt.Key.Key_Escape)
        assert not window.continuation.streaming
        assert not window.editor.preview_active
        assert window.editor.toPlainText() == "Once upon a time"
        wait_for_the_end(qtbot, ends)
    assert not window.menu_actions.stop.isEnabled()


def test_a_selection_is_kept_when_the_preview_is_dropped(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("The cat sat on the mat.")
    cursor = window.editor.textCursor()
    cursor.setPosition(4)
    cursor.setPosition(7, cursor.MoveMode.KeepAnchor)  # "cat"
    window.editor.setTextCursor(cursor)
    window.editor.document().setModified(False)
    ends = ContinuationEnds(window.client)
    with qtbot.waitSignal(window.client.continuation_piece, timeout=10_000):
        press(window.editor, Qt.Key.Key_Return, CTRL)
    press(window.editor, Qt.Key.Key_Escape)
    wait_for_the_end(qtbot, ends)
    assert window.editor.toPlainText() == "The cat sat on the mat."
    assert not window.editor.document().isModified()
    assert window.editor.textCursor().position() == 4  # where it went on from


def test_stop_button_keeps_the_preview(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(LONG)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    assert window.menu_actions.stop.isEnabled()
    window.menu_actions.stop.trigger()
    kept = window.editor.preview_text
    assert kept and not window.continuation.streaming
    wait_for_the_end(qtbot, ends)
    assert window.editor.preview_text == kept
    press(window.editor, Qt.Key.Key_Escape)
    assert window.editor.toPlainText() == "Once upon a time"


def test_typing_discards_the_preview(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(LONG)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    type_char(window.editor, ",")
    assert not window.editor.preview_active
    assert not window.continuation.streaming
    assert window.editor.toPlainText() == "Once upon a time,"
    wait_for_the_end(qtbot, ends)
    assert window.editor.toPlainText() == "Once upon a time,"


def test_one_ctrl_return_starts_one_continuation(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("Once upon a time")
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    starts: list[str] = []
    window.continuation.streaming_started.connect(lambda: starts.append("started"))
    ends = ContinuationEnds(window.client)
    QTest.keyClick(window.editor, Qt.Key.Key_Return, CTRL)
    wait_for_the_end(qtbot, ends)
    assert starts == ["started"]
    assert ends.outcomes == [FINISHED]
    assert window.editor.preview_text


def test_keypad_enter_continues_too(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("Once upon a time")
    with qtbot.waitSignal(window.continuation.streaming_started, timeout=5000):
        QTest.keyClick(window.editor, Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier)


def test_the_engine_is_given_the_text_as_it_is_saved(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    type_text(window, "First\u00a0line")  # saved as it is, given to the model as a space
    QTest.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(window, "second")
    # Shift+Enter is a line break like Enter (Qt's own is a line separator, U+2028)
    assert window.editor.document().toRawText() == "First\u00a0line\u2029second"
    saved = tmp_path / "saved.txt"
    assert window.documents.write(saved)
    assert saved.read_text("utf-8") == "First\u00a0line\nsecond"
    assert window.editor.context() == "First line\nsecond"
    qtbot.waitUntil(lambda: window.strip.context == "First line\nsecond", timeout=10_000)


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


def test_three_ways_on_keeps_the_line_it_continues_in_view(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The panel takes room under the editor: the line at its bottom went under it."""
    window.editor.set_text("\n".join(f"Line {n} of a long letter." for n in range(80)))
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.ensureCursorVisible()
    window.continuation.start_alternatives()
    editor = window.editor
    qtbot.waitUntil(lambda: editor.viewport().rect().contains(editor.cursorRect()), timeout=2000)
    window.continuation.discard()


def test_preview_wraps_inside_the_column(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1200, 700)
    window.menu_actions.explorer.trigger()  # the editor narrows
    start_continuation(qtbot, window, "word " * 40)
    wait_until_streamed(qtbot, window)
    assert window.editor.horizontalScrollBar().maximum() == 0


def test_closing_during_a_continuation_is_clean(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(LONG)
    start_continuation(qtbot, window)
    window.editor.document().setModified(False)
    thread = window.client._thread
    assert window.close()
    assert thread.isFinished()


def test_choosing_another_model_stops_the_continuation_first(
    qtbot: QtBot, window: MainWindow, second_model_path: Path
) -> None:
    window.apply_settings(LONG)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    with qtbot.waitSignal(window.client.loaded, timeout=20_000):
        window.load_model(str(second_model_path))
        assert not window.continuation.streaming
        assert not window.menu_actions.stop.isEnabled()
        kept = window.editor.preview_text
    wait_for_the_end(qtbot, ends)
    # Stopped between two tokens, not run to its 400 tokens before the switch.
    assert ends.outcomes == [STOPPED]
    assert window.editor.preview_text == kept
    assert window.client.model_info is not None
    assert window.client.model_info.path == second_model_path


def test_a_new_document_drops_the_preview_of_the_last(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(LONG)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    window.editor.document().setModified(False)
    press(window.editor, Qt.Key.Key_N, CTRL)  # File > New
    assert not window.continuation.streaming
    assert not window.editor.preview_active
    wait_for_the_end(qtbot, ends)
    assert not window.editor.preview_active  # no piece of it came afterwards either
    press(window.editor, Qt.Key.Key_Return)
    assert window.editor.toPlainText() == "\n"  # Enter is a line break, not the old preview


def test_opening_a_file_closes_three_ways_on(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another file.", "utf-8")
    window.editor.setPlainText("The door opened and")
    window.editor.document().setModified(False)
    ends = ContinuationEnds(window.client)
    window.continuation.start_alternatives()
    wait_for_the_end(qtbot, ends)
    assert window.alternatives.isVisible()
    window.documents.open_recent(other)
    assert not window.alternatives.isVisible()
    # Ctrl+1 would have put in text made from the other file (the click comes after an animation)
    with qtbot.assertNotEmitted(window.alternatives.chosen, wait=300):
        press(window.editor, Qt.Key.Key_1, CTRL)
    assert window.editor.toPlainText() == "Another file."


def endless_window(
    make_window: MakeWindow, bigram_model: BigramModel, tokens: int = 400
) -> MainWindow:
    settings = Settings(n_threads=1, continuation_tokens=tokens, inline_predictions=False)
    return make_window(settings, bigram_model(ENDLESS, ENDLESS_DEFAULT))


def test_an_input_method_commit_drops_the_preview(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    input_method(window, commit="你好")
    assert not window.editor.preview_active
    assert not window.continuation.streaming
    wait_for_the_end(qtbot, ends)
    press(window.editor, Qt.Key.Key_Return, text="\r")  # a line break, not the stale preview
    assert window.editor.text() == "Once upon a time你好\n"


def test_a_composition_drops_the_preview_and_pieces_never_replace_it(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model)
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window)
    input_method(window, composing="ni")
    assert not window.editor.preview_active
    wait_for_the_end(qtbot, ends)
    assert preedit(window) == "ni"
    input_method(window, commit="你")
    assert window.editor.text() == "Once upon a time你"


def test_no_continuation_starts_over_a_composition(qtbot: QtBot, window: MainWindow) -> None:
    type_text(window, "Once upon a time")
    input_method(window, composing="ni")
    with qtbot.waitSignal(window.continuation.message, timeout=1000) as told:
        press(window.editor, Qt.Key.Key_Return, CTRL)
    assert "composition" in told.args[0]
    assert not window.continuation.streaming
    assert not window.editor.preview_active
    assert preedit(window) == "ni"


def test_enter_before_the_first_piece_is_a_line_break(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model)
    ends = ContinuationEnds(window.client)
    type_text(window, "Once upon a time")
    press(window.editor, Qt.Key.Key_Return, CTRL)
    press(window.editor, Qt.Key.Key_Return, text="\r")  # before any piece can have come
    assert not window.continuation.streaming
    wait_for_the_end(qtbot, ends)
    assert window.editor.text() == "Once upon a time\n"
    assert not window.editor.preview_active


def test_tab_before_the_first_piece_only_stops(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model)
    ends = ContinuationEnds(window.client)
    type_text(window, "Once upon a time")
    press(window.editor, Qt.Key.Key_Return, CTRL)
    press(window.editor, Qt.Key.Key_Tab)
    assert not window.continuation.streaming
    wait_for_the_end(qtbot, ends)
    assert window.editor.text() == "Once upon a time"
    assert not window.editor.preview_active


class GhostUpdates(QObject):
    """When the editor's pre-edit text changed (each time Qt laid the paragraph out again)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.times: list[float] = []
        window.editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.InputMethod:
            self.times.append(time.perf_counter())
        return False


def test_pieces_are_laid_out_together_at_most_every_interval(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """A paragraph is laid out again for each change of the ghost text: pieces that come faster
    than GHOST_INTERVAL_MS are shown together (in an 8,000-character paragraph, one layout per
    piece stalled the window for seconds)."""
    window = endless_window(make_window, bigram_model, tokens=150)
    pieces: list[str] = []
    window.client.continuation_piece.connect(lambda _index, piece: pieces.append(piece))
    ends = ContinuationEnds(window.client)
    start_continuation(qtbot, window, "word " * 1500)
    updates = GhostUpdates(window)
    wait_for_the_end(qtbot, ends)
    assert window.editor.preview_text == "".join(pieces)
    assert preedit(window) == window.editor.preview_text  # all of it shown once it ended
    gaps = [(b - a) * 1000 for a, b in zip(updates.times, updates.times[1:], strict=False)]
    assert len(updates.times) < len(pieces)
    assert min(gaps[:-1]) >= GHOST_INTERVAL_MS * 0.9  # the last: the end, shown at once


def test_the_view_stays_where_the_user_scrolled_to(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = endless_window(make_window, bigram_model)
    editor = window.editor
    editor.set_text("\n".join(f"line {i} of the document" for i in range(300)))
    editor.moveCursor(QTextCursor.MoveOperation.End)
    stream = SlowStream(window, 50)
    press(editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: stream.delivered >= 2, timeout=10_000)
    bar = editor.verticalScrollBar()
    assert bar.value() > 0
    assert editor.viewport().rect().intersects(editor.cursorRect())
    bar.triggerAction(bar.SliderAction.SliderToMinimum)  # the user scrolls up to the start
    delivered = stream.delivered
    qtbot.waitUntil(lambda: stream.delivered >= delivered + 4, timeout=10_000)
    assert bar.value() == 0
    bar.triggerAction(bar.SliderAction.SliderToMaximum)  # back at the cursor: it follows it
    delivered = stream.delivered
    qtbot.waitUntil(lambda: stream.delivered >= delivered + 4, timeout=10_000)
    assert editor.viewport().rect().intersects(editor.cursorRect())
    press(editor, Qt.Key.Key_Escape)


def test_the_stop_action_says_what_it_does(window: MainWindow) -> None:
    """Stop keeps the preview and Esc drops it: the action names no key (it said "Esc")."""
    stop = window.menu_actions.stop
    assert "Esc" not in stop.text()
    assert "keep" in stop.toolTip() and "Esc drops" in stop.toolTip()


def test_a_continuation_cut_inside_a_character_puts_in_no_replacement_character(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """After "日" the model is sure of "本", two tokens: e6 9c, then ac. One token is half of it."""
    spec = {b"\xa5": {b"\xe6\x9c": 9.0}, b"\xe6\x9c": {b"\xac": 9.0}, b"\xac": {"<eot>": 9.0}}
    model = bigram_model(spec)
    for tokens, expected in ((1, "日"), (2, "日本")):
        settings = Settings(n_threads=1, continuation_tokens=tokens, inline_predictions=False)
        window = make_window(settings, model)
        ends = ContinuationEnds(window.client)
        type_text(window, "日")
        press(window.editor, Qt.Key.Key_Return, CTRL)
        wait_for_the_end(qtbot, ends)
        press(window.editor, Qt.Key.Key_Return, text="\r")
        assert window.editor.text().rstrip("\n") == expected


def three_ways(qtbot: QtBot, window: MainWindow) -> None:
    ends = ContinuationEnds(window.client)
    press(window.editor, Qt.Key.Key_Return, CTRL | SHIFT)
    assert window.alternatives.isVisible()
    wait_for_the_end(qtbot, ends)


def test_three_ways_on_keeps_a_selection(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = make_window(Settings(n_threads=1, inline_predictions=False), bigram_model(THERE_WAS))
    window.editor.set_text("Once upon a time SELECTED WORDS and the end.")
    cursor = window.editor.textCursor()
    cursor.setPosition(16)
    cursor.setPosition(31, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    three_ways(qtbot, window)
    assert window.alternatives.text(0) == ", there was"
    with qtbot.waitSignal(window.alternatives.chosen, timeout=2000):  # after the button's flash
        press(window.editor, Qt.Key.Key_1, CTRL)
    assert window.editor.text() == "Once upon a time, there was SELECTED WORDS and the end."


def test_three_ways_on_closes_when_the_user_moves_or_types(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = make_window(Settings(n_threads=1, inline_predictions=False), bigram_model(THERE_WAS))
    type_text(window, "Once upon a time")
    three_ways(qtbot, window)
    press(window.editor, Qt.Key.Key_Home, CTRL)
    assert not window.alternatives.isVisible()
    type_text(window, "Hi ")
    with qtbot.assertNotEmitted(window.alternatives.chosen, wait=300):
        press(window.editor, Qt.Key.Key_1, CTRL)
    assert window.editor.text() == "Hi Once upon a time"
    press(window.editor, Qt.Key.Key_End, CTRL)
    three_ways(qtbot, window)
    type_char(window.editor, "!")
    assert not window.alternatives.isVisible()


def test_a_stale_choice_of_three_ways_on_is_refused(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """A click on Use after the text changed in a way the panel did not see (a change made by
    another part of the app, signals blocked) inserts nothing and says why."""
    window = make_window(Settings(n_threads=1, inline_predictions=False), bigram_model(THERE_WAS))
    type_text(window, "Once upon a time")
    three_ways(qtbot, window)
    window.editor.blockSignals(True)
    window.editor.moveCursor(QTextCursor.MoveOperation.Start)
    window.editor.blockSignals(False)
    with qtbot.waitSignal(window.continuation.message, timeout=1000):
        window.alternatives.buttons[0].click()
    assert window.editor.text() == "Once upon a time"
    assert not window.alternatives.isVisible()


def test_each_of_three_ways_on_is_short_whatever_the_continuation_length(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """Three side by side are read at a glance: each stops at ALTERNATIVE_TOKENS tokens, even
    with a longer continuation length in the settings (on a model that never ends by itself)."""
    window = endless_window(make_window, bigram_model, tokens=120)
    type_text(window, "Once upon a time")
    three_ways(qtbot, window)
    lengths = [len(load_encoding().encode(window.alternatives.text(i))) for i in range(3)]
    assert all(0 < length <= ALTERNATIVE_TOKENS for length in lengths), lengths


def test_continue_closes_three_ways_on(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """Continue while the alternatives show: their panel goes, the preview alone is what Tab
    and Enter act on."""
    window = endless_window(make_window, bigram_model)
    type_text(window, "Once upon a time")
    press(window.editor, Qt.Key.Key_Return, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(window.alternatives.text(0)), timeout=10_000)
    with qtbot.waitSignal(window.client.continuation_piece, timeout=10_000):
        press(window.editor, Qt.Key.Key_Return, CTRL)
    assert not window.alternatives.isVisible()
    assert window.editor.preview_active
    press(window.editor, Qt.Key.Key_Escape)


def test_three_ways_on_again_stops_the_alternatives_still_streaming(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """Asked for again while the first three stream, the engine thread stops them at once
    rather than finishing them (hundreds of tokens with a large model) before the new ones."""
    window = endless_window(make_window, bigram_model)
    ends = ContinuationEnds(window.client)
    type_text(window, "Once upon a time")
    press(window.editor, Qt.Key.Key_Return, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(window.alternatives.text(0)), timeout=10_000)
    press(window.editor, Qt.Key.Key_Return, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(ends.outcomes), timeout=20_000)
    assert ends.outcomes[0] == STOPPED
    press(window.editor, Qt.Key.Key_Escape)


def test_ctrl_z_drops_the_preview_and_undoes_nothing(qtbot: QtBot, window: MainWindow) -> None:
    """The preview shows as the last thing put in: Ctrl+Z takes it away, as Esc does, and
    leaves the user's own last word (it undid both)."""
    window.apply_settings(LONG)
    ends = ContinuationEnds(window.client)
    window.editor.clear()
    type_text(window, "Once upon a time")
    with qtbot.waitSignal(window.client.continuation_piece, timeout=10_000):
        press(window.editor, Qt.Key.Key_Return, CTRL)
    window.menu_actions.stop.trigger()
    wait_for_the_end(qtbot, ends)
    press(window.editor, Qt.Key.Key_Z, CTRL)
    assert not window.editor.preview_active
    assert window.editor.toPlainText() == "Once upon a time"
    press(window.editor, Qt.Key.Key_Z, CTRL)
    assert window.editor.toPlainText() == "Once upon a "


def test_ctrl_z_before_the_preview_shows_undoes(qtbot: QtBot, window: MainWindow) -> None:
    """Nothing of the preview shows yet (its first piece has not come): Ctrl+Z drops it and
    undoes the user's last word, as it would have without it, not nothing."""
    window.apply_settings(LONG)
    window.editor.clear()
    type_text(window, "Once upon a time")
    press(window.editor, Qt.Key.Key_Return, CTRL)  # no event handled since: no piece shown
    assert window.editor.preview_active
    press(window.editor, Qt.Key.Key_Z, CTRL)
    assert not window.editor.preview_active
    assert window.editor.toPlainText() == "Once upon a "


def test_ctrl_2_puts_in_the_second_way_at_once(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """Ctrl+N inserts its choice with the key, not a button's click 100 ms later: a key typed
    right after it (the user goes on writing) changed the text first, and the choice was
    refused."""
    window = make_window(Settings(n_threads=1, inline_predictions=False), bigram_model(THERE_WAS))
    type_text(window, "Once upon a time")
    three_ways(qtbot, window)
    second = window.alternatives.text(1)
    assert second
    press(window.editor, Qt.Key.Key_2, CTRL)
    type_char(window.editor, "!")
    assert window.editor.text() == "Once upon a time" + second + "!"
    assert not window.alternatives.isVisible()


def test_ctrl_1_does_nothing_while_three_ways_on_is_closed(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = make_window(Settings(n_threads=1, inline_predictions=False), bigram_model(THERE_WAS))
    type_text(window, "Once upon a time")
    with qtbot.assertNotEmitted(window.alternatives.chosen, wait=300):
        press(window.editor, Qt.Key.Key_1, CTRL)
    assert window.editor.text() == "Once upon a time"


def test_a_preview_dropped_takes_back_only_the_keys_told(
    make_window: Callable[..., MainWindow],
) -> None:
    """That the model had nothing to add is not taken back by the key that drops the empty
    preview it leaves."""
    window = make_window(Settings())
    window.editor.set_text("Hello")
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.begin_preview()
    window.continuation._on_done(FINISHED, "")
    told = window.status.currentMessage()
    assert told == NOTHING_TO_ADD
    type_char(window.editor, "x")
    assert (window.editor.text(), window.status.currentMessage()) == ("Hellox", told)
