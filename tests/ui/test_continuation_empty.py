"""A continuation right after a full stop, where the model finds the end of the text likeliest:
Continue and Three Ways On still give text; one that still gives nothing says so, and the Tab
pressed to accept it takes no word from the strip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.settings import Settings
from keyboard_app.ui.continuation import NOTHING_TO_ADD
from keyboard_app.ui.main_window import MainWindow
from tests.ui.conftest import ContinuationEnds, type_text

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MakeWindow = Callable[..., MainWindow]
BigramModel = Callable[..., Path]
# After a full stop, the end of the text is likelier (95%) than " The", which ends the text.
END_LIKELIEST = {".": {"<eot>": 12.0, " The": 9.0}, " The": {"<eot>": 20.0}}
# After a full stop, the first half of a character (the model is sure of it): a continuation of
# one token gives nothing that can be shown.
HALF_A_CHARACTER = {".": {"<eot>": 12.0, b"\xe6\x9c": 9.0, " The": 2.0}}


def window_on(make_window: MakeWindow, model: Path, tokens: int, top_k: int = 40) -> MainWindow:
    settings = Settings(
        n_threads=1, continuation_tokens=tokens, inline_predictions=False, top_k=top_k
    )
    return make_window(settings, model)


def continue_after(
    qtbot: QtBot, window: MainWindow, text: str, modifiers: Qt.KeyboardModifier
) -> None:
    """Type `text`, ask for a continuation with Ctrl+Enter (and `modifiers`), wait for its end."""
    type_text(window, text)
    ends = ContinuationEnds(window.client)
    press(window.editor, Qt.Key.Key_Return, modifiers)
    qtbot.waitUntil(lambda: bool(ends.outcomes), timeout=20_000)
    qtbot.waitUntil(lambda: not window.continuation.streaming, timeout=5000)


def test_continue_after_a_full_stop_gives_text(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = window_on(make_window, bigram_model(END_LIKELIEST), tokens=40)  # sampled, as set
    continue_after(qtbot, window, "Alpha beta.", CTRL)
    assert window.editor.preview_text == " The"
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text() == "Alpha beta. The"


def test_three_ways_on_after_a_full_stop_gives_text(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = window_on(make_window, bigram_model(END_LIKELIEST), tokens=40)
    continue_after(qtbot, window, "Alpha beta.", CTRL | SHIFT)
    assert [window.alternatives.text(i) for i in range(3)] == [" The"] * 3


def test_an_empty_continuation_is_told_and_tab_takes_no_word(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = window_on(make_window, bigram_model(HALF_A_CHARACTER), tokens=1, top_k=1)
    type_text(window, "Alpha beta.")
    qtbot.waitUntil(lambda: window.strip.context == window.editor.context(), timeout=10_000)
    word = window.strip.best()
    assert word  # what Tab takes when no continuation is on its way
    continue_after(qtbot, window, "", CTRL)
    assert window.status.currentMessage() == NOTHING_TO_ADD
    press(window.editor, Qt.Key.Key_Tab)  # meant to accept the continuation
    assert window.editor.text() == "Alpha beta."
    assert not window.editor.preview_active
    press(window.editor, Qt.Key.Key_Tab)  # now it takes the strip's word, as usual
    assert window.editor.text() == f"Alpha beta. {word.strip()} "


def test_empty_alternatives_are_told(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = window_on(make_window, bigram_model(HALF_A_CHARACTER), tokens=1, top_k=1)
    continue_after(qtbot, window, "Alpha beta.", CTRL | SHIFT)
    assert [window.alternatives.text(i) for i in range(3)] == [""] * 3
    assert window.status.currentMessage() == NOTHING_TO_ADD
