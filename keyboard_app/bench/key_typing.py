"""Typing into a widget with synthetic key events, as a person would (the demo, `bench ui`, tests).

The events go through QApplication like real ones, so shortcuts and key handling apply.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def key_for(char: str) -> tuple[Qt.Key, Qt.KeyboardModifier, str]:
    """Key code, modifiers and event text for one character."""
    if char == "\n":
        return Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"
    shift = Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier.NoModifier
    # Qt's key codes of Latin-1 characters are their upper-case code points.
    code = ord(char.upper()) if len(char.upper()) == 1 and ord(char.upper()) < 0x100 else 0
    key = Qt.Key(code) if 0x20 <= code < 0x100 else Qt.Key.Key_unknown
    return key, shift, char


def type_char(widget: QWidget, char: str) -> None:
    """Press and release the key for `char` on `widget`."""
    key, modifiers, text = key_for(char)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, modifiers, text))


def press(
    widget: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    text: str = "",
) -> None:
    """Press and release a non-character key (Tab, Esc, Alt+2, Ctrl+Enter ...)."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, modifiers, text))
