"""Ghost text: text shown at an editor's cursor as input-method pre-edit text.

Qt lays pre-edit text out inline like the document's own, but it is not part of the document: it
never enters the undo stack, never marks the document modified and is never saved. The editor
(`editor.py`) decides when ghost text shows; this module draws it, keeps its end in view, and
tells where a click on the text drawn after it was aimed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtGui import (
    QColor,
    QInputMethodEvent,
    QMouseEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit

# Pre-edit text is one line of the layout: a line break in it is shown as a line separator, a
# carriage return too (the model may write one; inserted, the editor makes it a line break).
_LINE_SEPARATOR = "\u2028"
_LINE_BREAK = re.compile("\r\n?|\n")
# How far from the background towards the text the ghost text's colour is: 4.7:1 against white
# for black text, above the 4.5:1 that WCAG asks of body text (AA), and far from the text's 21:1.
GHOST_SHARE = 0.55


def qt_length(text: str) -> int:
    """The length of `text` in Qt's positions (UTF-16 units: two for a character outside the
    BMP)."""
    return len(text.encode("utf-16-le")) // 2


def ghost_colour(palette: QPalette) -> QColor:
    """The text's colour `GHOST_SHARE` of the way from the background's: told apart from the
    text, yet readable (the placeholder colour, half-transparent text, was 4.0:1 on white)."""
    text, base = palette.text().color(), palette.base().color()

    def mixed(text_part: float, base_part: float) -> float:
        return GHOST_SHARE * text_part + (1 - GHOST_SHARE) * base_part

    return QColor.fromRgbF(
        mixed(text.redF(), base.redF()),
        mixed(text.greenF(), base.greenF()),
        mixed(text.blueF(), base.blueF()),
    )


def show(editor: QPlainTextEdit, text: str, italic: bool) -> None:
    """Show `text` at the cursor in `ghost_colour` ("" removes the ghost text).

    The view follows the end of the ghost text (the cursor, before there is any) only if it showed
    it: the user may have scrolled away, to read the start of a long preview or elsewhere (Qt's own
    handling of the event scrolls to the cursor: that is undone then)."""
    shown = _LINE_BREAK.sub(_LINE_SEPARATOR, text)
    ghost = QTextCharFormat()
    ghost.setForeground(ghost_colour(editor.palette()))
    ghost.setFontItalic(italic)
    attributes = [
        QInputMethodEvent.Attribute(
            QInputMethodEvent.AttributeType.TextFormat, 0, qt_length(shown), ghost
        ),
        # The caret at the ghost text's start, visible (a length of 0 would hide it, for good)
        QInputMethodEvent.Attribute(QInputMethodEvent.AttributeType.Cursor, 0, 1, None),
    ]
    follow = editor.viewport().rect().intersects(_ghost_end(editor))
    bars = (editor.horizontalScrollBar(), editor.verticalScrollBar())
    scrolled = [bar.value() for bar in bars]
    QApplication.sendEvent(editor, QInputMethodEvent(shown, attributes))
    if follow:
        editor.ensureCursorVisible()
        _scroll_to_ghost_end(editor)
    else:
        for bar, value in zip(bars, scrolled, strict=True):
            bar.setValue(value)


def position_at(editor: QPlainTextEdit, point: QPoint) -> int | None:
    """The document's position drawn at `point` (in the viewport) while ghost text shows, None
    when none does. What follows the ghost text is drawn after it (further on, or lines lower);
    a point on the ghost text is its start, the cursor. Qt's own hit test counts the ghost
    text's characters as the document's."""
    ghost_block = editor.textCursor().block()
    ghost_layout = ghost_block.layout()
    ghost = ghost_layout.preeditAreaText() if ghost_layout is not None else ""
    if not ghost:
        return None
    offset = editor.contentOffset()
    block = editor.firstVisibleBlock()
    geometry = editor.blockBoundingGeometry(block).translated(offset)
    while point.y() >= geometry.bottom() and block.next().isValid():
        block = block.next()
        geometry = editor.blockBoundingGeometry(block).translated(offset)
    hit = _hit(block.layout(), QPointF(point) - geometry.topLeft())
    if block == ghost_block:
        start = ghost_layout.preeditAreaPosition()
        hit = hit if hit <= start else max(start, hit - qt_length(ghost))
    return block.position() + hit


class Gesture:
    """A pointer gesture begun on ghost text. The press goes where it was aimed on the text as
    drawn with the ghost text (`position_at`); the ghost text goes, which moves what follows it
    under the pointer, so what follows near the press (a jitter, the release, the second click
    of a double click) is moved as the press was (a jitter selected words). A drag further is
    aimed at the text as drawn since."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        self._editor = editor
        # The press's point, how far the gesture's events are moved, and when it was.
        self._press: tuple[QPointF, QPointF, float] | None = None

    def aim(self, event: QMouseEvent, drop_ghost_text: Callable[[], None]) -> int | None:
        """A press (or a double click): `drop_ghost_text` is called, and the position aimed at
        returned (None when no ghost text showed)."""
        aimed = position_at(self._editor, event.position().toPoint())
        drop_ghost_text()
        if aimed is not None:
            cursor = QTextCursor(self._editor.document())
            cursor.setPosition(aimed)
            shift = QPointF(self._editor.cursorRect(cursor).center()) - event.position()
            self._press = (event.position(), shift, time.monotonic())
        elif not self._second_click(event):
            self._press = None
        return aimed

    def moved(self, event: QMouseEvent) -> QMouseEvent:
        """`event` moved as the gesture's press was, when near it; else as it is."""
        if self._press is None or not self._near_press(event):
            return event
        point = event.position() + self._press[1]
        viewport = self._editor.viewport()
        return QMouseEvent(
            event.type(),
            point,
            QPointF(viewport.mapToGlobal(point.toPoint())),
            event.button(),
            event.buttons(),
            event.modifiers(),
        )

    def _second_click(self, event: QMouseEvent) -> bool:
        if self._press is None or not self._near_press(event):
            return False
        return time.monotonic() - self._press[2] < QApplication.doubleClickInterval() / 1000

    def _near_press(self, event: QMouseEvent) -> bool:
        assert self._press is not None
        distance = (event.position() - self._press[0]).manhattanLength()
        return distance < QApplication.startDragDistance()


def _hit(layout: QTextLayout, point: QPointF) -> int:
    """The position in `layout` (its pre-edit text counted) nearest to `point`, in the layout's
    coordinates."""
    lines = [layout.lineAt(index) for index in range(layout.lineCount())]
    if not lines:
        return 0
    line = next((line for line in lines if point.y() < line.rect().bottom()), lines[-1])
    return int(line.xToCursor(point.x()))


def _ghost_end(editor: QPlainTextEdit) -> QRect:
    """Where the ghost text ends, in the viewport: its last line (the cursor's without it)."""
    block = editor.textCursor().block()
    layout = block.layout()
    ghost = layout.preeditAreaText() if layout is not None else ""
    if not ghost:
        return editor.cursorRect()
    line = layout.lineForTextPosition(layout.preeditAreaPosition() + qt_length(ghost))
    if not line.isValid():
        return editor.cursorRect()
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    return line.rect().translated(0, top).toAlignedRect()


def _scroll_to_ghost_end(editor: QPlainTextEdit) -> None:
    """Scroll down, a line at a time, until the last line of the ghost text shows (at the end of
    a long document that line is below the last line of the text, where the cursor is)."""
    bar = editor.verticalScrollBar()
    bottom = editor.viewport().rect().bottom()
    while _ghost_end(editor).bottom() > bottom and bar.value() < bar.maximum():
        bar.setValue(bar.value() + 1)
