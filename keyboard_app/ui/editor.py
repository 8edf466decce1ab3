"""The writing surface: a plain-text editor with a continuation preview shown as ghost text.

The preview is drawn as input-method pre-edit text at the cursor: it is laid out inline like real
text but is not part of the document, so it never enters the undo stack, never marks the document
modified and is not saved. Accepting it inserts the text as one undo step.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QInputMethodEvent,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from keyboard_app.engine.window import text_start

log = logging.getLogger(__name__)

# The text column's width in average characters: a comfortable line length for prose.
COLUMN_CHARS = 72
MIN_SIDE_MARGIN = 16
_LINE_SEPARATOR = "\u2028"
# The document's own characters that its saved form (QTextDocument.toPlainText) writes otherwise:
# the paragraph separator between blocks and the line separator of Shift+Enter become line feeds,
# a no-break space a space. The model is given the text as it is saved, never these.
_AS_SAVED = str.maketrans({"\u2029": "\n", _LINE_SEPARATOR: "\n", "\u00a0": " "})
_ACCEPT_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MODIFIER_KEYS = (
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
)


class Editor(QPlainTextEdit):
    """Plain-text editor; key presses that belong to suggestions or the preview become signals."""

    # Tab or Enter while a preview is active: insert it.
    preview_accept_requested = Signal()
    # Esc, typing, clicking or moving while a preview is active: stop and drop it.
    preview_dismiss_requested = Signal()
    # Tab without a preview while `tab_takes_suggestion` is set: take the middle suggestion.
    best_suggestion_requested = Signal()
    # Esc without a preview: stop streaming alternatives, close their panel.
    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editor")
        self.setAccessibleName("Text editor")
        self.setAccessibleDescription("Write here; suggestions for the next word appear below.")
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        # The whole area, margins around the text column included, is the page.
        self.setStyleSheet("#editor { background: palette(base); border: none; }")
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Long unbroken runs (URLs, odd model output) wrap too: no horizontal scrolling.
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setCenterOnScroll(False)
        self.tab_takes_suggestion = False
        self._preview_active = False
        self._preview_text = ""

    # --- font and column ---

    def set_writing_font(self, font: QFont) -> None:
        self._update_margins(self.width(), font)
        self.setFont(font)
        self.document().setDefaultFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Margins first, so that the text is laid out for the new column width. (The viewport's
        # resize events arrive here too, hence the editor's own width, not the event's.)
        self._update_margins(self.width(), self.font())
        super().resizeEvent(event)

    def _update_margins(self, width: int, font: QFont) -> None:
        """Centre a column of about COLUMN_CHARS characters."""
        column = QFontMetricsF(font).averageCharWidth() * COLUMN_CHARS
        side = max(MIN_SIDE_MARGIN, int((width - column) / 2))
        margins = QMargins(side, MIN_SIDE_MARGIN, side, 0)
        if margins != self.viewportMargins():  # setting them may send another resize event
            self.setViewportMargins(margins)

    # --- context ---

    def text_before_cursor(self) -> str:
        """All text from the start of the document to the cursor (or the selection's start), as
        it is saved: line breaks are line feeds."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.textCursor().selectionStart(), QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().translate(_AS_SAVED)

    def context(self) -> str:
        """What the model is given: the text before the cursor from where the engine reads it.

        (Sliced here, not selected from that position in the document: Qt counts positions in
        UTF-16 units, so a text with emoji would start elsewhere than the engine's rule says.)"""
        before = self.text_before_cursor()
        return before[text_start(len(before)) :]

    def replace_before_cursor(self, remove: int, text: str) -> None:
        """Delete the selection and `remove` characters before the cursor, insert `text`.

        It is one undo step.
        """
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        if remove:
            cursor.movePosition(
                QTextCursor.MoveOperation.PreviousCharacter, QTextCursor.MoveMode.KeepAnchor, remove
            )
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    # --- preview (ghost text) ---

    @property
    def preview_active(self) -> bool:
        return self._preview_active

    @property
    def preview_text(self) -> str:
        return self._preview_text

    def begin_preview(self) -> None:
        """A continuation is on its way: from now on keys act on the preview."""
        self._preview_active = True
        self._show_preedit("")

    def append_preview(self, piece: str) -> None:
        if self._preview_active:
            self._preview_text += piece
            self._show_preedit(self._preview_text)

    def end_preview(self) -> str:
        """Remove the ghost text and return it (the caller decides whether to insert it)."""
        text = self._preview_text
        self._preview_active = False
        self._preview_text = ""
        self._show_preedit("")
        return text

    def _show_preedit(self, text: str) -> None:
        shown = text.replace("\n", _LINE_SEPARATOR)
        ghost = QTextCharFormat()
        ghost.setForeground(self.palette().placeholderText())
        ghost.setFontItalic(True)
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat, 0, len(shown), ghost
            ),
            QInputMethodEvent.Attribute(QInputMethodEvent.AttributeType.Cursor, 0, 0, None),
        ]
        QApplication.sendEvent(self, QInputMethodEvent(shown, attributes))
        self.ensureCursorVisible()

    # --- keys and mouse ---

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = modifiers == Qt.KeyboardModifier.NoModifier
        if self._preview_active and key not in _MODIFIER_KEYS:
            if plain and key in _ACCEPT_KEYS:
                self.preview_accept_requested.emit()
                return
            self.preview_dismiss_requested.emit()
            if key == Qt.Key.Key_Escape:
                return
        if key == Qt.Key.Key_Escape and plain:
            self.escape_pressed.emit()
            return
        if key == Qt.Key.Key_Tab and plain and self.tab_takes_suggestion:
            self.best_suggestion_requested.emit()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._preview_active:
            self.preview_dismiss_requested.emit()
        super().mousePressEvent(event)
