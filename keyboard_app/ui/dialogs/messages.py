"""Non-blocking message boxes: shown with `open()`, answered through a callback.

The event loop keeps running while they are up (the engine thread's results still arrive), and
tests can find and answer them like a user would.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


def ask(
    parent: QWidget,
    title: str,
    text: str,
    buttons: Button,
    on_answer: Callable[[Button], None],
    *,
    default: Button = Button.NoButton,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox:
    """Open a window-modal question; `on_answer` gets the button pressed (Cancel on Esc)."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setObjectName("question")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if default != Button.NoButton:
        box.setDefaultButton(default)

    def finished() -> None:
        clicked = box.clickedButton()
        on_answer(box.standardButton(clicked) if clicked else Button.Cancel)

    box.finished.connect(finished)
    box.open()
    return box


def inform(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    details: str = "",
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    """Show an error or notice without blocking; it deletes itself when closed."""
    box = QMessageBox(icon, title, text, Button.Ok, parent)
    box.setObjectName("notice")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if details:
        box.setDetailedText(details)
    box.open()
    return box
