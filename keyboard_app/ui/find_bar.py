"""Find and replace in the document: a bar above the editor with the words sought, Previous and
Next, Match case, and where the match found is among all of them ("3 of 12"); opened for
replacing, a second row with the replacement, Replace and Replace All.

It searches the text as it is saved, so a match that crosses where a long line's blocks meet (see
`long_lines`) is found like any other; the match found is selected in the editor. The search
starts from the cursor and goes round the end of the document to its start (and back)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyboard_app.ui import long_lines
from keyboard_app.ui.editor import Editor

NOT_FOUND = "Not found"
_OUTSIDE_THE_BMP = re.compile("[\U00010000-\U0010ffff]")


def _in_qt_units(text: str) -> str:
    """`text` with each character outside the BMP (an emoji) as its two UTF-16 surrogates, so
    that an index in it counts Qt's positions."""
    return _OUTSIDE_THE_BMP.sub(lambda match: _surrogates(ord(match[0]) - 0x10000), text)


def _surrogates(offset: int) -> str:
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


@dataclass(frozen=True)
class _SearchedText:
    """The document's text as saved, with where each block starts in it and in the document
    (counted in Qt's positions: see `_in_qt_units`)."""

    text: str
    text_starts: list[int]
    block_positions: list[int]

    def position(self, index: int) -> int:
        """The document position of the text's character `index` (`index` may be its end)."""
        block = max(bisect.bisect_right(self.text_starts, index) - 1, 0)
        return self.block_positions[block] + index - self.text_starts[block]

    def index(self, position: int) -> int:
        """Where document position `position` is in the text."""
        block = max(bisect.bisect_right(self.block_positions, position) - 1, 0)
        return self.text_starts[block] + position - self.block_positions[block]


def _searched_text(document: QTextDocument) -> _SearchedText:
    pieces: list[str] = []
    text_starts: list[int] = []
    block_positions: list[int] = []
    length = 0
    block = document.firstBlock()
    while block.isValid():
        if block != document.firstBlock() and not long_lines.continues(block):
            pieces.append("\n")
            length += 1
        text_starts.append(length)
        block_positions.append(block.position())
        text = _in_qt_units(block.text())
        pieces.append(text)
        length += len(text)
        block = block.next()
    return _SearchedText("".join(pieces), text_starts, block_positions)


def _span(searched: _SearchedText, match: re.Match[str]) -> tuple[int, int]:
    """Where `match` starts and ends in the document. The end is the last character's position
    plus one: where a long line's blocks meet, the end of the block before, not the start of the
    next (with the seam between them)."""
    return searched.position(match.start()), searched.position(match.end() - 1) + 1


class FindBar(QWidget):
    """Enter finds the next match, Shift+Enter the one before, Esc closes the bar (the editor
    gets the focus back, the match still selected). Typing searches at once from where the
    search started, so the match grows with the words sought. Enter in the replacement replaces
    the match selected and selects the next."""

    # The bar was closed (Esc or its close button).
    closed = Signal()

    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setAccessibleName("Find")
        self.sought = QLineEdit(self)
        self.sought.setPlaceholderText("Find in the document")
        self.sought.setAccessibleName("Find")
        self.sought.setClearButtonEnabled(True)
        self.match_case = QCheckBox("Match &case", self)
        self.found = QLabel(self)
        self.found.setAccessibleName("Matches")
        # Room for a long count: the line beside it keeps its width as the count changes.
        self.found.setMinimumWidth(self.fontMetrics().horizontalAdvance("00000 of 00000"))
        self.replacement = QLineEdit(self)
        self.replacement.setPlaceholderText("Replace with")
        self.replacement.setAccessibleName("Replace with")
        self.replace_row = QWidget(self)
        self._start = 0  # where typing in the bar searches from
        self._read: tuple[int, _SearchedText] | None = None  # the text at a document revision
        self._found: tuple[tuple[int, str, bool], list[re.Match[str]]] | None = None
        self._compose()
        self.sought.textEdited.connect(lambda _text: self._search_from(self._start))
        self.sought.installEventFilter(self)
        self.replacement.returnPressed.connect(self.replace_one)
        # A count of the text as it was is stale once it changes (typed, undone, a new document).
        editor.document().contentsChanged.connect(lambda: self.found.setText(""))
        self.match_case.toggled.connect(lambda _on: self._search_from(self._start))

    def _compose(self) -> None:
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 4, 6, 4)
        layout = QHBoxLayout()
        rows.addLayout(layout)
        rows.addWidget(self.replace_row)
        self._compose_replace_row()
        layout.addWidget(self.sought, 1)
        for text, name, slot in (
            ("‹", "Previous match", self.find_previous),
            ("›", "Next match", self.find_next),
            ("×", "Close find", self.close_bar),
        ):
            button = QToolButton(self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter, Shift+Enter and Esc do these
            button.setText(text)
            button.setToolTip(name)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            layout.addWidget(button)
            if slot == self.find_next:
                layout.addWidget(self.match_case)
                layout.addWidget(self.found)

    def _compose_replace_row(self) -> None:
        layout = QHBoxLayout(self.replace_row)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.replacement, 1)
        # No mnemonics: Alt+A pressed in the text would replace all through the document.
        for text, slot in (("Replace", self.replace_one), ("Replace All", self.replace_all)):
            button = QPushButton(text, self.replace_row)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.replace_row.hide()
        QWidget.setTabOrder(self.sought, self.replacement)

    def open_replace(self) -> None:
        """Show the bar with its replacement row; the focus in the replacement once there is
        something sought."""
        self.replace_row.show()
        self.open()
        if self.sought.text():
            self.replacement.setFocus()
            self.replacement.selectAll()

    def replace_one(self) -> None:
        """Replace the match selected (as one undo step), then select the next; with no match
        selected, only select the next."""
        self._drop_preview()
        cursor = self.editor.textCursor()
        if self._selected_match(cursor):
            self.editor.replace_before_cursor(0, self.replacement.text())
        self._search_from(self.editor.textCursor().position())

    def replace_all(self) -> None:
        """Replace every match, all as one undo step, and say how many."""
        self._drop_preview()
        searched = self._searched()
        matches = self._matches(searched)
        self.editor.replace_ranges(
            [_span(searched, match) for match in matches], self.replacement.text()
        )
        self.found.setText(f"Replaced {len(matches)}" if matches else NOT_FOUND)

    def _selected_match(self, cursor: QTextCursor) -> bool:
        if not cursor.hasSelection():
            return False
        searched = self._searched()
        selection = (cursor.selectionStart(), cursor.selectionEnd())
        return any(_span(searched, match) == selection for match in self._matches(searched))

    def open(self) -> None:
        """Show the bar with the focus in it: a selection of one line becomes what is sought."""
        self._drop_preview()
        cursor = self.editor.textCursor()
        selected = self.editor.text_between(cursor.selectionStart(), cursor.selectionEnd())
        if selected and "\n" not in selected:
            self.sought.setText(selected)
        self._start = cursor.selectionStart()
        self.show()
        self.sought.setFocus()
        self.sought.selectAll()
        self._show_count(None)

    def close_bar(self) -> None:
        self.hide()
        self.replace_row.hide()
        self.editor.setFocus()
        self.closed.emit()

    def find_next(self) -> None:
        """The first match after the cursor (or the selection's start, plus one: the match
        selected now is passed over)."""
        cursor = self.editor.textCursor()
        if not self.sought.text():
            self.open()
            return
        self._start = cursor.selectionStart() + (1 if cursor.hasSelection() else 0)
        self._search_from(self._start)

    def find_previous(self) -> None:
        """The last match before the cursor (or the selection's start)."""
        if not self.sought.text():
            self.open()
            return
        searched = self._searched()
        before = searched.index(self.editor.textCursor().selectionStart())
        matches = self._matches(searched)
        earlier = [match for match in matches if match.start() < before]
        self._select(searched, (earlier or matches)[-1:], matches)

    def _search_from(self, position: int) -> None:
        searched = self._searched()
        start = searched.index(position)
        matches = self._matches(searched)
        later = [match for match in matches if match.start() >= start]
        self._select(searched, (later or matches)[:1], matches)

    def _searched(self) -> _SearchedText:
        """The document's text, read again only once it has changed: reading 2.5 MB took 0.34 s,
        and each key typed in the bar searches."""
        revision = self.editor.document().revision()
        if self._read is None or self._read[0] != revision:
            self._read = (revision, _searched_text(self.editor.document()))
        return self._read[1]

    def _matches(self, searched: _SearchedText) -> list[re.Match[str]]:
        """Every match in `searched` (the text now), found again only when the document or what is
        sought has changed."""
        sought, case = self.sought.text(), self.match_case.isChecked()
        key = (self.editor.document().revision(), sought, case)
        if self._found is None or self._found[0] != key:
            flags = 0 if case else re.IGNORECASE
            pattern = re.compile(re.escape(_in_qt_units(sought)), flags)
            self._found = (key, list(pattern.finditer(searched.text)) if sought else [])
        return self._found[1]

    def _select(
        self, searched: _SearchedText, chosen: list[re.Match[str]], matches: list[re.Match[str]]
    ) -> None:
        """Select the chosen match in the editor and say which of the matches it is."""
        if not chosen:
            self._show_count(None if not self.sought.text() else 0)
            return
        self._drop_preview()
        match = chosen[0]
        start, end = _span(searched, match)
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()
        self._show_count(len(matches), matches.index(match) + 1)

    def _drop_preview(self) -> None:
        """A continuation preview goes before the bar moves the cursor or changes the text, as
        any key drops it: kept, Tab or Enter would put it in place of the match selected."""
        if self.editor.preview_active:
            self.editor.preview_dismiss_requested.emit()

    def _show_count(self, total: int | None, which: int = 0) -> None:
        """`total` None: nothing sought yet."""
        if total is None:
            self.found.setText("")
        elif total == 0:
            self.found.setText(NOT_FOUND)
        else:
            self.found.setText(f"{which} of {total}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter and Shift+Enter in the line (QLineEdit's own Enter takes no Shift apart)."""
        if watched is not self.sought or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_previous()
        else:
            self.find_next()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc anywhere in the bar closes it."""
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)
