"""The GPT-2 explorer panel, and accessibility of every control."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from keyboard_app.ui.explorer import ROWS
from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.typing import type_char


def test_explorer_shows_ten_tokens_and_walks(qtbot: QtBot, window: MainWindow) -> None:
    window.menu_actions.explorer.trigger()
    assert window.explorer.isVisible()
    for char in "The cat":
        type_char(window.editor, char)
    qtbot.waitUntil(lambda: window.explorer.context == "The cat", timeout=10_000)
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
