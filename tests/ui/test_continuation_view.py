"""While a continuation streams, the view shows the end of its ghost text: near the bottom of the
window and at the end of a long document, the ghost lines below the cursor come into view."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from pytestqt.qtbot import QtBot

from keyboard_app.bench.key_typing import press
from keyboard_app.settings import Settings
from keyboard_app.ui.editor import DESCRIPTION, PREVIEW_DESCRIPTION, Editor
from keyboard_app.ui.ghost_text import ghost_colour
from keyboard_app.ui.main_window import MainWindow
from tests.ui.conftest import ContinuationEnds, preedit, type_text
from tests.ui.slow_stream import ENDLESS, ENDLESS_DEFAULT, SlowStream

CTRL = Qt.KeyboardModifier.ControlModifier
SENTENCE = "The old lighthouse keeper climbed the stairs every evening to light the lamp, and"


def ghost_window(
    make_window: Callable[..., MainWindow], bigram_model: Callable[..., Path], tokens: int
) -> MainWindow:
    settings = Settings(n_threads=1, continuation_tokens=tokens, inline_predictions=False)
    return make_window(settings, bigram_model(ENDLESS, ENDLESS_DEFAULT))


def delivered(stream: SlowStream, pieces: int) -> bool:
    return stream.delivered >= pieces


def shows_the_end_of_the_ghost_text(editor: Editor) -> bool:
    """Whether the viewport shows the end of the cursor's line, which the ghost text ends (the
    cursor is at the end of its line)."""
    block = editor.textCursor().block()
    layout = block.layout()
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    bottom = top + layout.lineAt(layout.lineCount() - 1).rect().bottom()
    return 0 < bottom <= editor.viewport().height()


@pytest.mark.parametrize(
    ("before", "after"), [(60, 60), (3000, 0)], ids=["text-after-it", "end-of-a-long-document"]
)
def test_the_end_of_the_ghost_text_shows_while_it_streams(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    bigram_model: Callable[..., Path],
    before: int,
    after: int,
) -> None:
    """The cursor is on the last line the window shows, as when writing at the end of a long
    document: the ghost text's lines come below it."""
    window = ghost_window(make_window, bigram_model, tokens=120)
    editor = window.editor
    opening = "".join(f"line {i} of the document\n" for i in range(before)) + SENTENCE[:-4]
    editor.set_text(opening + "".join(f"\nline {i} after it" for i in range(after)))
    cursor = editor.textCursor()
    cursor.setPosition(len(opening))
    editor.setTextCursor(cursor)
    editor.ensureCursorVisible()
    type_text(window, SENTENCE[-4:])
    line = editor.cursorRect().height()
    assert editor.viewport().height() - 2 * line < editor.cursorRect().bottom()
    assert shows_the_end_of_the_ghost_text(editor)
    lines = editor.textCursor().block().layout().lineCount()
    ends = ContinuationEnds(window.client)
    stream = SlowStream(window, 20)
    press(editor, Qt.Key.Key_Return, CTRL)
    for shown in (30, 60, 90):
        qtbot.waitUntil(partial(delivered, stream, shown), timeout=20_000)
        qtbot.waitUntil(lambda: preedit(window) == editor.preview_text, timeout=5000)
        assert editor.textCursor().block().layout().lineCount() > lines  # ghost lines below it
        assert shows_the_end_of_the_ghost_text(editor), shown
        assert editor.viewport().rect().intersects(editor.cursorRect())
    qtbot.waitUntil(lambda: bool(ends.outcomes) and not stream.items, timeout=30_000)
    assert preedit(window) == editor.preview_text
    assert shows_the_end_of_the_ghost_text(editor)
    preview = editor.preview_text
    press(editor, Qt.Key.Key_Tab)
    assert editor.text().startswith(opening + SENTENCE[-4:] + preview)


def test_a_carriage_return_in_a_preview_shows_as_the_line_break_it_becomes(qtbot: QtBot) -> None:
    editor = Editor()
    qtbot.addWidget(editor)
    editor.show()
    editor.begin_preview()
    editor.append_preview("one\rtwo\r\nthree\nfour")
    editor.flush_preview()
    shown = editor.textCursor().block().layout().preeditAreaText()
    assert shown == "one\u2028two\u2028three\u2028four"
    editor.replace_before_cursor(0, editor.end_preview())
    assert editor.text() == "one\ntwo\nthree\nfour"


def ghost_units(editor: Editor) -> int:
    """How many of the paragraph's UTF-16 units are drawn in the ghost text's colour."""
    ghost = ghost_colour(editor.palette())
    formats = editor.textCursor().block().layout().formats()
    return sum(f.length for f in formats if f.format.foreground().color() == ghost)


@pytest.mark.parametrize("text", [" 😀 the cat sat", "🎉🎉🎉 tonight", " 𠀋𠀋 and"])
def test_ghost_text_outside_the_bmp_is_grey_to_its_end(qtbot: QtBot, text: str) -> None:
    """Qt counts UTF-16 units: counted in characters, the grey stopped one short for each emoji
    and its end looked like text of the document."""
    editor = Editor()
    qtbot.addWidget(editor)
    editor.show()
    editor.begin_preview()
    editor.append_preview(text)
    editor.flush_preview()
    assert ghost_units(editor) == len(text.encode("utf-16-le")) // 2
    editor.end_preview()
    editor.show_inline(text.lstrip())  # an inline prediction is drawn so too
    assert ghost_units(editor) == len(text.lstrip().encode("utf-16-le")) // 2


def contrast(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio of two colours."""

    def luminance(colour: QColor) -> float:
        parts = [colour.redF(), colour.greenF(), colour.blueF()]
        linear = [p / 12.92 if p <= 0.03928 else ((p + 0.055) / 1.055) ** 2.4 for p in parts]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("text", "base"), [(QColor("black"), QColor("white")), (QColor("#fcfcfc"), QColor("#232629"))]
)
def test_ghost_text_is_readable_and_told_from_the_text(text: QColor, base: QColor) -> None:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Base, base)
    ghost = ghost_colour(palette)
    assert contrast(ghost, base) >= 4.5  # WCAG AA for body text
    assert contrast(ghost, text) >= 2.0


def test_a_screen_reader_is_told_the_ghost_text(qtbot: QtBot) -> None:
    """It is not part of the text: without the description, Tab took text never heard."""
    editor = Editor()
    qtbot.addWidget(editor)
    editor.show()
    editor.show_inline("with the report")
    interface = QAccessible.queryAccessibleInterface(editor)
    assert interface is not None
    description = interface.text(QAccessible.Text.Description)
    assert description.startswith("Inline prediction") and description.endswith("with the report")
    editor.clear_inline()
    assert interface.text(QAccessible.Text.Description) == DESCRIPTION  # the editor's own again
    editor.begin_preview()
    editor.append_preview(" and then")
    editor.flush_preview()
    assert interface.text(QAccessible.Text.Description) == PREVIEW_DESCRIPTION
