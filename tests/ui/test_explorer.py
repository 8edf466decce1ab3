"""The GPT-2 explorer panel, and accessibility of every control."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import type_char
from keyboard_app.ui.explorer import ROWS, TokenBar
from keyboard_app.ui.main_window import MainWindow


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
