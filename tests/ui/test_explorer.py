"""The GPT-2 explorer panel, and accessibility of every control."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.settings import Settings
from keyboard_app.ui.explorer import END_OF_TEXT_LABEL, ROWS, TokenBar
from keyboard_app.ui.main_window import EDITOR_MINIMUM_CHARACTERS, MainWindow

MakeWindow = Callable[..., MainWindow]
BigramModel = Callable[..., Path]
CTRL = Qt.KeyboardModifier.ControlModifier


def test_explorer_shows_ten_tokens_and_walks(qtbot: QtBot, window: MainWindow) -> None:
    window.menu_actions.explorer.trigger()
    assert window.explorer.isVisible()
    for char in "The cat":
        type_char(window.editor, char)
    qtbot.waitUntil(lambda: window.explorer.context == "The cat", timeout=10_000)
    assert not window.explorer.note.isVisible()
    rows = window.explorer.rows
    assert len(rows) == ROWS
    probabilities = [row.probability for row in rows]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0 < sum(probabilities) <= 1.0001
    token = rows[0].token
    rows[0].click()
    assert window.editor.toPlainText() == "The cat" + token
    qtbot.waitUntil(lambda: window.explorer.context == "The cat" + token, timeout=10_000)
    window.menu_actions.explorer.trigger()
    assert not window.explorer.isVisible()


def test_after_a_trailing_space_the_explorer_offers_whole_words(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.menu_actions.explorer.trigger()
    text = "The weather today is very "
    for char in text:
        type_char(window.editor, char)
    qtbot.waitUntil(lambda: window.explorer.context == text, timeout=10_000)
    rows = window.explorer.rows
    assert all(row.token.startswith(" ") for row in rows), [row.token for row in rows]
    assert window.explorer.note.isVisible()
    assert "renormalised over the tokens that start with" in window.explorer.note.text()
    token = rows[0].token
    rows[0].click()
    assert window.editor.toPlainText() == text + token[1:]  # no double space
    qtbot.waitUntil(lambda: window.explorer.context == text + token[1:], timeout=10_000)
    assert not window.explorer.note.isVisible()


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    window.menu_actions.explorer.trigger()
    window.alternatives.show()
    unnamed = [
        widget
        for widget in window.findChildren(QWidget)
        if isinstance(widget, QAbstractButton)
        and widget.isVisible()
        and not (widget.accessibleName() or widget.text())
    ]
    assert unnamed == []
    for widget in (window.editor, window.strip, window.explorer, window.status):
        assert widget.accessibleName()


def test_a_token_with_an_ampersand_is_shown_and_is_no_shortcut(qtbot: QtBot) -> None:
    bar = TokenBar()
    qtbot.addWidget(bar)
    bar.set_choice(" &nbsp", 0.5)
    assert bar.shown == "␣&nbsp"
    assert bar.shortcut().isEmpty()  # not Alt+N


def explore(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Put `text` in the editor, the cursor at its end, and open the explorer on it (Ctrl+E)."""
    window.editor.set_text(text)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    press(window.editor, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.explorer.context == text, timeout=10_000)


def plain_window(make_window: MakeWindow, model: Path) -> MainWindow:
    return make_window(Settings(n_threads=1, inline_predictions=False), model)


def test_part_of_a_character_is_shown_as_its_bytes_and_inserts_nothing(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """After "日" the model is sure of "本": two tokens, e6 9c and ac. The first alone is no text
    (a click inserted `\\xe6\\x9c`, and the model then saw backslashes)."""
    spec = {b"\xa5": {b"\xe6\x9c": 9.0, "\u00e9": 8.0}, b"\xe6\x9c": {b"\xac": 9.0}}
    window = plain_window(make_window, bigram_model(spec))
    explore(qtbot, window, "日")
    first, second = window.explorer.rows[:2]
    assert first.shown == "\\xe6\\x9c"
    assert not first.isEnabled()
    assert "cannot be inserted" in first.accessibleName()
    QTest.mouseClick(first, Qt.MouseButton.LeftButton)
    assert window.editor.text() == "日"
    assert (second.token, second.isEnabled()) == ("\u00e9", True)  # é: a token of two bytes
    QTest.mouseClick(second, Qt.MouseButton.LeftButton)
    assert window.editor.text() == "日\u00e9"


def test_end_of_text_is_shown_and_inserts_no_markup(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    window = plain_window(make_window, bigram_model({" end": {"<eot>": 9.0}}))
    explore(qtbot, window, "The end")
    row = window.explorer.rows[0]
    assert (row.shown, row.isEnabled()) == (END_OF_TEXT_LABEL, False)
    assert row.probability > 0.5
    QTest.mouseClick(row, Qt.MouseButton.LeftButton)
    assert window.editor.text() == "The end"


def test_a_click_keeps_the_selection(
    qtbot: QtBot, make_window: MakeWindow, bigram_model: BigramModel
) -> None:
    """The rows are for the text before the selection: the token goes there, the selection
    stays (a click replaced it)."""
    window = plain_window(make_window, bigram_model({" time": {",": 9.0}}))
    window.editor.set_text("Once upon a time KEEP THIS")
    cursor = window.editor.textCursor()
    cursor.setPosition(16)
    cursor.setPosition(26, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    press(window.editor, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.explorer.context == "Once upon a time", timeout=10_000)
    assert window.explorer.rows[0].token == ","
    QTest.mouseClick(window.explorer.rows[0], Qt.MouseButton.LeftButton)
    assert window.editor.text() == "Once upon a time, KEEP THIS"


def test_a_row_is_named_as_a_screen_reader_should_say_it(qtbot: QtBot) -> None:
    """Named "Next token '␣air': 3.0%": a reader said "open box" for the ␣, and the quotes."""
    bar = TokenBar()
    qtbot.addWidget(bar)
    for token, probability, name in (
        (" air", 0.03, "space, air: 3.0%"),
        ("\n", 0.5, "new line: 50.0%"),
        ("'s", 0.25, "'s: 25.0%"),
    ):
        bar.set_choice(token, probability)
        assert bar.accessibleName() == name


def test_in_a_narrow_window_the_explorer_gives_up_its_width_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    """At the window's narrowest the editor was 50 pixels wide, a letter a line, beside an
    explorer that kept its whole width."""
    window.menu_actions.explorer.trigger()
    explorer = window.explorer
    qtbot.waitUntil(
        lambda: explorer.isVisible() and explorer.width() >= explorer.sizeHint().width()
    )
    wide = explorer.width()
    window.resize(1, window.height())  # as narrow as it goes
    qtbot.waitUntil(lambda: window.width() == window.minimumSizeHint().width())
    qtbot.waitUntil(lambda: explorer.width() < wide)
    least = EDITOR_MINIMUM_CHARACTERS * window.fontMetrics().averageCharWidth()
    assert window.editor.width() >= least, (window.editor.width(), least)


def test_shift_tab_from_the_text_reaches_the_likeliest_token_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.menu_actions.explorer.trigger()
    with qtbot.waitActive(window):
        window.activateWindow()
    for char in "The cat":
        type_char(window.editor, char)
    qtbot.waitUntil(lambda: window.explorer.context == "The cat", timeout=10_000)
    rows = window.explorer.rows
    rows[-1].setFocus(Qt.FocusReason.BacktabFocusReason)  # as Shift+Tab from the text enters
    qtbot.waitUntil(rows[0].hasFocus, timeout=1000)
    rows[2].setFocus(Qt.FocusReason.TabFocusReason)
    rows[-1].setFocus(Qt.FocusReason.OtherFocusReason)  # arrows and clicks move freely
    assert rows[-1].hasFocus()
