"""Clicks and drops while ghost text shows land where the user aimed on the text as drawn, and
a paste is an undo step of its own."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QMouseEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press, type_char
from keyboard_app.ui.editor import Editor
from keyboard_app.ui.ghost_text import position_at, qt_length

from .test_editor_undo import put_cursor

CTRL = Qt.KeyboardModifier.ControlModifier
TYPED = "Thank you for your hel"
TAIL = ", world and more"
PARAGRAPHS = "I saw the\nSecond paragraph here.\nThird one."


def shown_editor(qtbot: QtBot, text: str, cursor_at: int) -> Editor:
    """An editor showing `text`, its cursor at `cursor_at`; a preview dismissed goes, as the
    continuation's controller makes it."""
    editor = Editor()
    qtbot.addWidget(editor)
    editor.resize(600, 300)
    editor.show()
    qtbot.waitExposed(editor)
    editor.set_text(text)
    put_cursor(editor, cursor_at)
    editor.preview_dismiss_requested.connect(editor.end_preview)
    return editor


def drawn_at(editor: Editor, position: int) -> QPoint:
    """A point inside the character at `position` as it is drawn now, the ghost text before it
    counted."""
    block = editor.document().findBlock(position)
    layout = block.layout()
    offset = position - block.position()
    ghost = layout.preeditAreaText()
    if ghost and offset >= layout.preeditAreaPosition():
        offset += qt_length(ghost)
    line = layout.lineForTextPosition(offset)
    x, _ = line.cursorToX(offset)
    geometry = editor.blockBoundingGeometry(block).translated(editor.contentOffset())
    return QPoint(int(geometry.left() + x) + 2, int(geometry.top() + line.y() + line.height() / 2))


def click(qtbot: QtBot, editor: Editor, point: QPoint) -> None:
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_click_after_an_inline_prediction_lands_where_it_was_aimed(qtbot: QtBot) -> None:
    """The cursor went to the line's end: the click was placed without the grey text."""
    editor = shown_editor(qtbot, TYPED + TAIL, len(TYPED))
    editor.show_inline("p with the report")
    target = len(TYPED) + TAIL.index("world")
    click(qtbot, editor, drawn_at(editor, target))
    assert editor.textCursor().position() == target
    assert editor.inline_text == "" and editor.text() == TYPED + TAIL


def test_a_jitter_or_a_double_click_after_the_grey_text_acts_where_the_press_was_aimed(
    qtbot: QtBot,
) -> None:
    """The text moves under the pointer as the grey text goes: a move of two pixels selected
    "world and more", and a double click chose "more"."""
    editor = shown_editor(qtbot, TYPED + TAIL, len(TYPED))
    editor.show_inline("p with the report")
    point = drawn_at(editor, len(TYPED) + TAIL.index("world"))
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(editor.viewport(), left, pos=point)
    jitter = QPointF(point.x() + 2, point.y())
    QApplication.sendEvent(
        editor.viewport(),
        QMouseEvent(
            QEvent.Type.MouseMove,
            jitter,
            QPointF(editor.viewport().mapToGlobal(jitter.toPoint())),
            Qt.MouseButton.NoButton,
            left,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    QTest.mouseRelease(editor.viewport(), left, pos=jitter.toPoint())
    assert editor.textCursor().selectedText() == ""
    put_cursor(editor, len(TYPED))
    editor.show_inline("p with the report")
    inside_world = len(TYPED) + TAIL.index("world") + 2
    QTest.mouseDClick(editor.viewport(), left, pos=drawn_at(editor, inside_world))
    assert editor.textCursor().selectedText() == "world"


def test_a_click_where_right_to_left_text_meets_left_to_right_lands_where_aimed(
    qtbot: QtBot,
) -> None:
    """The point found for the place aimed at stood for the other end of the Hebrew words."""
    text, before = "Hello שלום עולם and more text", "Hello "
    editor = shown_editor(qtbot, text, len(before))
    editor.show_inline("אבג דהו")
    block = editor.document().firstBlock()
    line = block.layout().lineAt(0)
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    for x in range(2, int(line.naturalTextWidth()), 3):
        editor.show_inline("אבג דהו")
        point = QPoint(x, int(top + line.y() + line.height() / 2))
        aimed = position_at(editor, point)
        click(qtbot, editor, point)
        assert editor.textCursor().position() == aimed, x
        put_cursor(editor, len(before))


def test_a_click_on_the_grey_text_leaves_the_cursor_where_it_shows(qtbot: QtBot) -> None:
    editor = shown_editor(qtbot, TYPED + TAIL, len(TYPED))
    editor.show_inline("p with the report")
    layout = editor.textCursor().block().layout()
    line = layout.lineForTextPosition(layout.preeditAreaPosition() + 8)
    x, _ = line.cursorToX(layout.preeditAreaPosition() + 8)
    click(qtbot, editor, QPoint(int(x), int(line.y() + line.height() / 2)))
    assert editor.textCursor().position() == len(TYPED)


def test_a_click_below_a_preview_of_several_lines_lands_on_the_line_aimed_at(
    qtbot: QtBot,
) -> None:
    """The next paragraphs are drawn lower while a preview shows: the cursor went to the end."""
    editor = shown_editor(qtbot, PARAGRAPHS, len("I saw the"))
    editor.begin_preview()
    editor.append_preview(" cat.\nIt sat on the mat.\nThen it left.\nThe end")
    editor.flush_preview()
    assert editor.textCursor().block().layout().lineCount() > 1
    target = PARAGRAPHS.index("paragraph")
    click(qtbot, editor, drawn_at(editor, target))
    assert not editor.preview_active
    assert editor.textCursor().position() == target and editor.text() == PARAGRAPHS


def test_a_drop_lands_among_the_text_as_drawn_once_the_grey_text_has_gone(
    qtbot: QtBot,
) -> None:
    """A drop on or after the grey text went to the text's start: Qt placed it among the
    document's characters counting the grey ones."""
    editor = shown_editor(qtbot, TYPED + TAIL, len(TYPED))
    editor.show_inline("p with the report")
    data = QMimeData()
    data.setText("DROP ")
    action, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    plain = Qt.KeyboardModifier.NoModifier
    viewport = editor.viewport()
    entered = drawn_at(editor, len(TYPED) + TAIL.index("and"))
    QApplication.sendEvent(viewport, QDragEnterEvent(entered, action, data, left, plain))
    assert editor.inline_text == "" and not editor.textCursor().block().layout().preeditAreaText()
    target = len(TYPED) + TAIL.index("world")
    point = drawn_at(editor, target)  # where the user sees it now
    QApplication.sendEvent(viewport, QDragMoveEvent(point, action, data, left, plain))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(point), action, data, left, plain))
    assert editor.text() == TYPED + ", DROP world and more"


def test_a_paste_is_an_undo_step_of_its_own(qtbot: QtBot) -> None:
    """One Ctrl+Z took back the paste and all that was typed before it."""
    editor = shown_editor(qtbot, "", 0)
    editor.setFocus()
    QGuiApplication.clipboard().setText("PASTED ")
    for char in "Hello ":
        type_char(editor, char)
    press(editor, Qt.Key.Key_V, CTRL)
    for char in "more":
        type_char(editor, char)
    steps = []
    for _ in range(3):
        press(editor, Qt.Key.Key_Z, CTRL)
        steps.append(editor.text())
    assert steps == ["Hello PASTED ", "Hello ", ""]
