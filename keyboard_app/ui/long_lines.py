"""Lines of any length in the editor: a very long line is held as several blocks.

QPlainTextEdit lays a whole block (a line of the text) out again on every keystroke in it, at a
cost that grows with the block's length, and faster than linearly with word wrapping: a line of
300 KB without spaces took 10 s to open and 1.7 s a keystroke; with wrapping anywhere or none it is
still 50-110 ms a keystroke, and 2 MB never opened. So a line longer than `LONG_LINE` characters
is split into blocks of at most `CHUNK` (after a space where there is one near the end), and each
block after the first is marked as continuing the line before it (a block format property, which
the undo stack keeps). They are shown like a wrapped line and joined again wherever the text is
read: saving, autosaving, the engine's context, copying. Typing in such a block costs a few
milliseconds. Ordinary text never has continuation blocks, and then nothing here changes anything.

Every insertion of text with line breaks goes through `insert_text`, which starts real lines
(never continuations), so Enter or a paste inside a continuation block ends the line there.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtGui import QTextBlock, QTextBlockFormat, QTextCursor, QTextDocument, QTextFormat

# A block format property: this block continues the line of the block before it.
CONTINUES = int(QTextFormat.Property.UserProperty) + 1
LONG_LINE = 8192
CHUNK = 4096
_PARAGRAPH = "\u2029"  # how QTextCursor.selectedText() writes the end of a block
# The text is read raw (QTextDocument.toPlainText would write a no-break space as a space), so that
# what was opened is saved as it was; Shift+Enter is a line break (`Editor`), so a line separator
# (U+2028) in the document came from the file, and is saved as one.
# PySide6 takes a text's first character for a byte-order mark when it is U+FEFF or U+FFFE: it
# drops the one and byte-swaps the whole text for the other. Such a text goes to Qt behind a
# placeholder, removed at once.
_TAKEN_FOR_BOM = ("\ufeff", "\ufffe")


def split_line(line: str) -> list[str]:
    """`line` in pieces of at most CHUNK characters: after the last space of a piece's second half
    if it has one, else where no combining mark would start the next piece."""
    pieces = []
    start = 0
    while len(line) - start > CHUNK:
        end = start + CHUNK
        space = line.rfind(" ", start + CHUNK // 2, end)
        if space >= 0:
            end = space + 1
        else:
            while end > start + CHUNK // 2 and unicodedata.combining(line[end]):
                end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return pieces


def continues(block: QTextBlock) -> bool:
    return bool(block.blockFormat().property(CONTINUES))


def _formats(cursor: QTextCursor) -> tuple[QTextBlockFormat, QTextBlockFormat]:
    """The cursor's block format as a real line's and as a continuation's."""
    line = QTextBlockFormat(cursor.blockFormat())
    line.clearProperty(CONTINUES)
    continuation = QTextBlockFormat(line)
    continuation.setProperty(CONTINUES, True)
    return line, continuation


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace(_PARAGRAPH, "\n").split("\n")


def set_text(document: QTextDocument, text: str) -> None:
    """Replace the document's text (no undo history), a long line as continuation blocks (see
    `makes_continuations`)."""
    if not makes_continuations(text):
        _set_plain_text(document, text)
        return
    pieces: list[str] = []
    continuations: list[int] = []
    for line in _lines(text):
        parts = split_line(line) if len(line) > LONG_LINE else [line]
        continuations.extend(range(len(pieces) + 1, len(pieces) + len(parts)))
        pieces.extend(parts)
    _set_plain_text(document, "\n".join(pieces))
    undo = document.isUndoRedoEnabled()
    document.setUndoRedoEnabled(False)
    for number in continuations:
        cursor = QTextCursor(document.findBlockByNumber(number))
        cursor.setBlockFormat(_formats(cursor)[1])
    document.setUndoRedoEnabled(undo)


def makes_continuations(text: str) -> bool:
    """Whether `set_text` or `insert_text` splits a line of `text` into continuation blocks. The
    editor says its text is joined before it puts such a text in: what is read while it goes in
    (the strip's context, on each change) must join them already."""
    return len(text) > LONG_LINE and any(len(line) > LONG_LINE for line in _lines(text))


def insert_text(cursor: QTextCursor, text: str) -> None:
    """Insert `text` at `cursor` (replacing its selection) as the user's text: a line break starts a
    real line, a long line becomes continuation blocks."""
    lines = _lines(text)
    if len(lines) == 1 and len(text) <= LONG_LINE:
        _insert_piece(cursor, text)
        return
    line_format, continuation_format = _formats(cursor)
    cursor.beginEditBlock()
    cursor.removeSelectedText()
    for index, line in enumerate(lines):
        if index:
            cursor.insertBlock(line_format)
        for number, piece in enumerate(split_line(line) if len(line) > LONG_LINE else [line]):
            if number:
                cursor.insertBlock(continuation_format)
            _insert_piece(cursor, piece)
    cursor.endEditBlock()


def _set_plain_text(document: QTextDocument, text: str) -> None:
    if not text.startswith(_TAKEN_FOR_BOM):
        document.setPlainText(text)
        return
    document.setPlainText(" " + text)
    undo = document.isUndoRedoEnabled()
    document.setUndoRedoEnabled(False)
    QTextCursor(document).deleteChar()
    document.setUndoRedoEnabled(undo)


def _insert_piece(cursor: QTextCursor, text: str) -> None:
    if not text.startswith(_TAKEN_FOR_BOM):
        cursor.insertText(text)
        return
    cursor.beginEditBlock()  # one undo step
    start = cursor.selectionStart()
    cursor.insertText(" " + text)
    end = cursor.position()
    cursor.setPosition(start)
    cursor.deleteChar()
    cursor.setPosition(end - 1)
    cursor.endEditBlock()


def new_line(cursor: QTextCursor) -> None:
    """Enter: end the line at the cursor; the block after is a real line, even when the cursor is
    in a continuation block (the default would copy its format, continuing the line)."""
    cursor.insertBlock(_formats(cursor)[0])


def text_between(document: QTextDocument, start: int, end: int, joined: bool) -> str:
    """The text from position `start` to `end` as it is saved: line breaks are line feeds, and
    with `joined` (the document may have continuation blocks) those are joined to their line."""
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    selected = cursor.selectedText()
    if not joined or _PARAGRAPH not in selected:
        return selected.replace(_PARAGRAPH, "\n")
    parts = selected.split(_PARAGRAPH)
    block = document.findBlock(cursor.selectionStart()).next()
    pieces = [parts[0]]
    for part in parts[1:]:
        if not continues(block):
            pieces.append("\n")
        pieces.append(part)
        block = block.next()
    return "".join(pieces)


def whole_text(document: QTextDocument, joined: bool) -> str:
    """The document's text as it is saved (see `text_between`)."""
    if not joined:
        return document.toRawText().replace(_PARAGRAPH, "\n")
    return text_between(document, 0, document.characterCount() - 1, joined)
