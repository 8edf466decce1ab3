"""Inline predictions in the editor, on a model whose confident span is known from its weights:
shown exactly, Tab takes all, Ctrl+Right one word, typing drops it, none when unsure, and the
strip's words always come first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.ui.main_window import MainWindow

from .conftest import (
    confident_window,
    input_method,
    preedit,
    type_text,
    ui_settings,
    wait_for_inline,
)

MakeWindow = Callable[..., MainWindow]
UNSURE = {" your": {" help": 5.0, " hello": 5.0, " held": 5.0}, " help": {" with": 9.0}}
TYPED = "Thank you for your hel"


def test_the_confident_span_shows_in_grey_and_is_not_part_of_the_text(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    assert win.editor.text() == TYPED  # grey text after the cursor, not in the document
    assert win.editor.textCursor().position() == len(TYPED)


def test_tab_inserts_all_of_it_and_a_space(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Tab)
    assert win.editor.text() == "Thank you for your help with the report "
    assert win.editor.inline_text in ("", ".")  # a new prediction may follow, never the old


def test_a_mark_typed_after_an_accepted_prediction_takes_the_place_of_its_space(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """As after a strip word: the space Tab put in is the app's, not the user's."""
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Tab)
    type_text(win, ".")
    assert win.editor.text() == "Thank you for your help with the report."


@pytest.mark.parametrize(
    ("after", "accepted"),
    [
        (". Bye.", "Thank you for your help with the report. Bye."),
        (" today.", "Thank you for your help with the report today."),
        ('"', 'Thank you for your help with the report"'),
        ("\nBye.", "Thank you for your help with the report \nBye."),
    ],
)
def test_accepted_before_text_it_adds_no_space_before_a_space_or_a_closing_mark(
    qtbot: QtBot,
    make_window: MakeWindow,
    bigram_model: Callable[..., Path],
    after: str,
    accepted: str,
) -> None:
    """As a word taken from the strip: the space goes only where nothing separates the
    prediction from what follows it."""
    win = confident_window(make_window, bigram_model)
    win.editor.set_text("Thank you for your " + after)
    cursor = win.editor.textCursor()
    cursor.setPosition(len("Thank you for your "))
    win.editor.setTextCursor(cursor)
    type_text(win, "hel")
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Tab)
    assert win.editor.text() == accepted


def test_ctrl_right_inserts_one_word_and_keeps_the_rest(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "Thank you for your help "
    assert win.editor.inline_text.startswith("with the")
    press(win.editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "Thank you for your help with "


def test_the_last_word_left_by_ctrl_right_stays_shown(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """The engine offers no lone next word inline (the strip has it): its empty answer for the
    text after the words taken must not take away the word still shown."""
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    for _ in range(3):
        press(win.editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.inline_text == "report"
    with qtbot.waitSignal(win.client.inline_prediction, timeout=10_000) as answer:
        pass
    assert answer.args == [win.editor.context(), ""]
    assert win.editor.inline_text == "report"
    press(win.editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.text() == "Thank you for your help with the report "


def test_typing_or_moving_the_cursor_drops_it(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    type_char(win.editor, "d")
    assert win.editor.inline_text == ""
    assert win.editor.text() == TYPED + "d"
    press(win.editor, Qt.Key.Key_Backspace)
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Left)
    assert win.editor.inline_text == ""
    assert win.editor.text() == TYPED


def test_a_plain_right_arrow_drops_it_and_takes_nothing(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """Only Ctrl+Right takes a word: Right alone is a cursor move, which drops the prediction."""
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    press(win.editor, Qt.Key.Key_Right)
    assert win.editor.inline_text == ""
    assert win.editor.text() == TYPED


class Arrivals(QObject):
    """The order in which the engine thread's results reach the GUI thread."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.events: list[tuple[str, int, str]] = []
        worker = window.client._worker
        worker.suggestions_ready.connect(self._suggestions)
        worker.inline_ready.connect(self._inline)

    @Slot(int, str, list)
    def _suggestions(self, request_id: int, context: str, _items: list[object]) -> None:
        self.events.append(("strip", request_id, context))

    @Slot(int, str, str)
    def _inline(self, request_id: int, context: str, _text: str) -> None:
        self.events.append(("inline", request_id, context))


def test_nothing_shows_when_the_model_is_unsure(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = make_window(ui_settings(), bigram_model(UNSURE))
    arrivals = Arrivals(win)
    type_text(win, "Thank you for your he")
    qtbot.waitUntil(
        lambda: ("inline", "Thank you for your he") in [(e[0], e[2]) for e in arrivals.events]
    )
    assert win.editor.inline_text == ""
    assert win.strip.best()


def test_the_strips_words_arrive_before_the_inline_prediction_is_computed(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    arrivals = Arrivals(win)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    # Requests for typed text only: the empty document's was answered before `arrivals` listened.
    inline_ids = {rid for kind, rid, context in arrivals.events if kind == "inline" and context}
    assert inline_ids
    for request_id in inline_ids:
        kinds = [kind for kind, rid, _ in arrivals.events if rid == request_id]
        assert kinds[0] == "strip", kinds


def test_the_setting_turns_them_off_and_tab_takes_the_strip_word(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    win.apply_settings(replace(win.settings, inline_predictions=False))
    assert win.editor.inline_text == ""
    assert win.suggestions.inline_threshold is None
    type_char(win.editor, "p")
    qtbot.waitUntil(lambda: win.strip.context == TYPED + "p" and bool(win.strip.best()))
    assert win.editor.inline_text == ""
    best = win.strip.best()
    press(win.editor, Qt.Key.Key_Tab)
    assert win.editor.text() == f"Thank you for your {best} "


def test_a_continuation_preview_wins(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    win.editor.begin_preview()
    assert win.editor.inline_text == ""
    win.editor.show_inline("p with")
    assert win.editor.inline_text == ""
    win.editor.end_preview()


def wait_for_arrival(qtbot: QtBot, arrivals: Arrivals, context: str) -> None:
    """Until the engine's inline prediction for `context` has reached the editor."""
    qtbot.waitUntil(lambda: ("inline", context) in [(e[0], e[2]) for e in arrivals.events])


def test_an_input_method_commit_drops_it_and_keeps_the_new_composition(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    type_text(win, TYPED)
    wait_for_inline(qtbot, win, "p with the report")
    input_method(win, commit="你", composing="ni")
    assert win.editor.inline_text == ""
    assert preedit(win) == "ni"
    assert win.editor.text() == TYPED + "你"


def test_none_shows_over_a_composition(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    arrivals = Arrivals(win)
    type_text(win, "Thank you for your he")
    input_method(win, composing="l")  # before the prediction for "he" can have come
    wait_for_arrival(qtbot, arrivals, "Thank you for your he")
    assert win.editor.inline_text == ""
    assert preedit(win) == "l"
    input_method(win, commit="l")
    assert win.editor.text() == "Thank you for your hel"
    wait_for_inline(qtbot, win, "p with the report")  # once it is committed, as for typing


def test_none_shows_inside_a_word(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    """`hel|lo world`: "p with the report" there would split the word, and Tab make "help with
    the report lo"."""
    win = confident_window(make_window, bigram_model)
    arrivals = Arrivals(win)
    win.editor.set_text(TYPED + "lo world")
    cursor = win.editor.textCursor()
    cursor.setPosition(len(TYPED))
    win.editor.setTextCursor(cursor)
    wait_for_arrival(qtbot, arrivals, TYPED)
    assert win.editor.inline_text == ""
    press(win.editor, Qt.Key.Key_Tab)
    assert "p with the" not in win.editor.text()
    win.editor.set_text(TYPED + " world")  # before a space it is the rest of the word
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    cursor = win.editor.textCursor()
    cursor.setPosition(len(TYPED))
    win.editor.setTextCursor(cursor)
    wait_for_inline(qtbot, win, "p with the report")


def test_turning_them_on_shows_one_for_the_text_as_it_is(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: Callable[..., Path]
) -> None:
    win = confident_window(make_window, bigram_model)
    win.apply_settings(replace(win.settings, inline_predictions=False))
    type_text(win, TYPED)
    qtbot.waitUntil(lambda: win.strip.context == TYPED and bool(win.strip.best()))
    assert win.editor.inline_text == ""
    win.apply_settings(replace(win.settings, inline_predictions=True))
    wait_for_inline(qtbot, win, "p with the report")  # no key needed
