"""Where a word taken from the strip goes: numbers go on without a space (3:30, $1,000), the
whole word around the cursor is replaced, and no word is offered inside an address."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.ui.main_window import MainWindow

from .conftest import type_text

ALT = Qt.KeyboardModifier.AltModifier


def strip_words(qtbot: QtBot, window: MainWindow) -> list[str]:
    """The strip's words (left to right), once they are for the text before the cursor."""
    qtbot.waitUntil(
        lambda: window.strip.context == window.editor.context() and bool(window.strip.best()),
        timeout=10_000,
    )
    return [window.strip.word_at(p) for p in range(len(window.strip.buttons))]


def strip_is_empty_for_the_text(window: MainWindow) -> bool:
    return window.strip.context == window.editor.context() and not any(
        button.isEnabled() for button in window.strip.buttons
    )


@pytest.mark.parametrize(
    ("typed", "offered", "expected"),
    [
        ("Could we meet at 3:", "30am", "Could we meet at 3:30am "),
        ("The budget is $1,", "000", "The budget is $1,000 "),
        ("The budget is $1,", "and", "The budget is $1, and "),
        ("The budget is $", "1", "The budget is $1 "),
        ("It costs \u20ac", "5", "It costs \u20ac5 "),
        ("Ask @", "ann", "Ask @ann "),
        ("and/", "or", "and/or "),
        ("Version 2.", "5", "Version 2.5 "),
        ("Done.", "Then", "Done. Then "),
    ],
)
def test_a_number_goes_on_without_a_space(
    qtbot: QtBot, window: MainWindow, typed: str, offered: str, expected: str
) -> None:
    """The word is put on the strip as the engine would offer it, then taken with Alt+2 (the
    engine's own words may be none: after `3:` the stand-in model's are no minutes)."""
    type_text(window, typed)
    qtbot.waitUntil(lambda: window.strip.context == window.editor.context(), timeout=10_000)
    window.strip.show_suggestions(window.editor.context(), [offered])
    press(window.editor, Qt.Key.Key_2, ALT)
    assert window.editor.text() == expected


def put_cursor(window: MainWindow, text: str, position: int) -> None:
    window.editor.set_text(text)
    cursor = window.editor.textCursor()
    cursor.setPosition(position)
    window.editor.setTextCursor(cursor)


def test_taking_a_word_inside_a_word_replaces_all_of_it(qtbot: QtBot, window: MainWindow) -> None:
    put_cursor(window, "Please send the documnet today.", len("Please send the "))
    for _ in "docu":
        press(window.editor, Qt.Key.Key_Right)  # docu|mnet
    words = strip_words(qtbot, window)
    assert all(word.lower().startswith("docu") for word in words), words
    press(window.editor, Qt.Key.Key_2, ALT)
    assert window.editor.text() == f"Please send the {words[1]} today."
    assert window.editor.context() == f"Please send the {words[1]}"
    window.editor.undo()  # one undo step
    assert window.editor.text() == "Please send the documnet today."


def test_inside_a_word_before_a_mark_the_word_attaches_to_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    put_cursor(window, "We sent the documnet.", len("We sent the docu"))
    words = strip_words(qtbot, window)
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text() == f"We sent the {words[1]}."


def test_a_word_taken_before_a_space_adds_no_second_one(qtbot: QtBot, window: MainWindow) -> None:
    """The cursor at the end of a word with text after it: "Hello wo| there" -> one space."""
    put_cursor(window, "Hello wo there", len("Hello wo"))
    words = strip_words(qtbot, window)
    press(window.editor, Qt.Key.Key_Tab)
    assert window.editor.text() == f"Hello {words[1]} there"


@pytest.mark.parametrize(
    "typed",
    [
        "my e-mail is john.smith@acme.io",
        "Write to john.smith@",
        "See https://example.com/pa",
        "See https://example.",
        "Go to www.exam",
        "It is on example.co",
    ],
)
def test_no_word_is_offered_inside_an_address(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    type_text(window, typed)
    qtbot.waitUntil(lambda: strip_is_empty_for_the_text(window), timeout=10_000)
    press(window.editor, Qt.Key.Key_2, ALT)
    assert window.editor.text() == typed
    assert not window.editor.tab_takes_suggestion
    type_text(window, " and")
    assert strip_words(qtbot, window)  # after the address the strip offers words again
