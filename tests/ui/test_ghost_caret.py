"""The text cursor stays visible with ghost text (an inline prediction, a continuation preview)
shown and after it goes: Qt hides the caret for good when pre-edit text says so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from keyboard_app.ui.editor import Editor


def dark_at_cursor(editor: Editor) -> int:
    """The dark pixels where the cursor is (the caret is a bar in the text's colour)."""
    image = editor.viewport().grab().toImage()
    rect = editor.cursorRect()
    return sum(
        image.pixelColor(x, y).lightness() < 100
        for x in range(max(0, rect.left() - 1), rect.right() + 2)
        for y in range(rect.top() + 2, rect.bottom() - 2)
    )


def caret_pixels(editor: Editor) -> int:
    """`dark_at_cursor` with the caret's blink restarted (on) by a key that moves nothing."""
    QTest.keyClick(editor, Qt.Key.Key_End)
    return dark_at_cursor(editor)


def test_the_caret_shows_with_and_after_ghost_text(qtbot: QtBot) -> None:
    editor = Editor()
    qtbot.addWidget(editor)
    editor.resize(600, 300)
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    editor.setFocus()
    QTest.keyClicks(editor, "Hello there ")
    assert caret_pixels(editor) > 0
    editor.show_inline("my friend")  # a key would drop it: the blink restarted by the typing
    assert dark_at_cursor(editor) > 0
    editor.clear_inline()
    assert caret_pixels(editor) > 0
    QTest.keyClicks(editor, "and")
    assert caret_pixels(editor) > 0
