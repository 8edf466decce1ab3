"""The writing surface: a plain-text editor with a continuation preview shown as ghost text.

The preview is drawn as input-method pre-edit text at the cursor (`ghost_text`): it is laid out
inline like real text but is not part of the document, so it never enters the undo stack, never
marks the document modified and is not saved. Accepting it inserts the text as one undo step.

An input method (CJK and other IME typing) uses the same pre-edit channel for its composition:
its events are told from the editor's own (`inputMethodEvent`). A commit or a composition drops
the ghost text like a typed key, and no ghost text is shown while a composition is in progress,
so the editor never overwrites what the input method shows.

A streamed preview is laid out again at most every `GHOST_INTERVAL_MS` (Qt lays out the whole
paragraph for each change of the pre-edit text: in a long paragraph that takes longer than the
tokens take to come).

The text is read through `text()`, `context()` and `text_between()`, never `toPlainText()`: a very
long line is held as several blocks (see `long_lines`), which these join again. Per keystroke the
editor reads only the end of the text before the cursor that the engine uses, however long the
document.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QMargins, QMimeData, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from keyboard_app.engine.window import TEXT_NEEDED, text_start
from keyboard_app.ui import ghost_text, long_lines
from keyboard_app.ui.text_ops import ATTACHING, CLOSING_WHEN_OPEN, closes_after_word

log = logging.getLogger(__name__)

# The text column's width in average characters: a comfortable line length for prose.
COLUMN_CHARS = 72
MIN_SIDE_MARGIN = 16
_NO_BREAK_SPACE = "\u00a0"
_MAY_ATTACH = ATTACHING | CLOSING_WHEN_OPEN  # what may take the place of the space added
# How much of the document before the cursor `context()` reads, in Qt's positions (UTF-16 units,
# two for a character outside the BMP): at least TEXT_NEEDED characters, the most the engine uses.
CONTEXT_UNITS = 2 * TEXT_NEEDED + 64
# How much of the text after the cursor `text_after_cursor()` reads (the rest of a word and what
# follows it), in Qt's positions.
_AFTER_UNITS = 64
_ACCEPT_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter)
# How often, at most, a streaming preview's ghost text is laid out again (pieces in between are
# collected and shown together).
GHOST_INTERVAL_MS = 40
# Modifiers with which a key's text is typed (no Ctrl, Alt or Meta: those are commands).
SHIFT = Qt.KeyboardModifier.ShiftModifier
TYPING_MODIFIERS = (Qt.KeyboardModifier.NoModifier, SHIFT)
# The editor's accessible description, and what it says while ghost text shows.
DESCRIPTION = "Write here; suggestions for the next word appear below."
INLINE_DESCRIPTION = "Inline prediction (Tab takes it, Ctrl+Right one word of it): "
PREVIEW_DESCRIPTION = "Continuation preview shown (Tab or Enter takes it, Esc drops it)."
# Where a change of the document comes from (`Editor.edit_origin`).
USER, GHOST, REPLACED = "user", "ghost", "replaced"
# Ranges of the text replaced all at once (Replace All): Qt tells it as one change, from the first
# range's start to the last's end; `replaced_ranges` says which ranges.
RANGES = "ranges"
MODIFIER_KEYS = (
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
    # The user typed this text (a key's text, Enter as "\n"; or took an inline prediction),
    # after it is in the document.
    typed = Signal(str)
    # The text `typed` reports next is an inline prediction the user accepted (Tab, Ctrl+Right).
    inline_accepted = Signal()
    # The user pressed Backspace (plain), after it deleted what it deletes; or the editor took back
    # the space it added after a taken word, as Backspace would have (`mark_added_space`).
    backspaced = Signal()
    # Tab while an inline prediction shows: insert all of it.
    inline_accept_requested = Signal()
    # Ctrl+Right while an inline prediction shows: insert its first word.
    inline_word_requested = Signal()
    # Files dragged from a file manager were dropped on the text: they are to be opened (their
    # file:// addresses are not text to insert).
    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editor")
        self.setAccessibleName("Text editor")
        self.setAccessibleDescription(DESCRIPTION)
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
        self._preview_shown = ""  # what of the preview the ghost text shows now
        self._inline_text = ""
        self._edit_origin = ""
        self.replaced_ranges: list[tuple[int, int]] = []  # those of the last `replace_ranges`
        self._sending_ghost = False  # an input-method event the editor sends itself
        self._composing = False  # the input method's composition is in progress
        self._ghost_timer = QTimer(self)
        self._ghost_timer.setSingleShot(True)
        self._ghost_timer.setInterval(GHOST_INTERVAL_MS)
        self._ghost_timer.timeout.connect(self._show_pending_preview)
        # Whether the document may hold continuation blocks (a line longer than LONG_LINE).
        self._joined = False
        # The space the app added after a taken word: the cursor after it and the undo steps
        # then (`mark_added_space`); None once anything else happened.
        self._added_space: tuple[int, int] | None = None
        self._gesture = ghost_text.Gesture(self)  # a pointer gesture begun on ghost text
        # After a key typed: `_typing_state` then, and where its undo step started.
        self._typing: tuple[tuple[int, int, int, int], int] | None = None
        self.cursorPositionChanged.connect(self._forget_added_space_if_moved)

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
        viewport_before = QRect(QPoint(0, 0), event.oldSize())
        if event.size() == self.viewport().size() and viewport_before.intersects(self.cursorRect()):
            self.ensureCursorVisible()  # the view shrank (three ways on shown): the cursor stays

    def _update_margins(self, width: int, font: QFont) -> None:
        """Centre a column of about COLUMN_CHARS characters."""
        column = QFontMetricsF(font).averageCharWidth() * COLUMN_CHARS
        side = max(MIN_SIDE_MARGIN, int((width - column) / 2))
        margins = QMargins(side, MIN_SIDE_MARGIN, side, 0)
        if margins != self.viewportMargins():  # setting them may send another resize event
            self.setViewportMargins(margins)

    # --- context ---

    def set_text(self, text: str) -> None:
        """Replace the whole text (no undo history), splitting very long lines into blocks."""
        self.clear_inline()
        self._joined = long_lines.makes_continuations(text)
        with self._edits_from(REPLACED):
            long_lines.set_text(self.document(), text)

    def text(self) -> str:
        """The whole text as it is saved: line breaks are line feeds, long lines whole."""
        return long_lines.whole_text(self.document(), self._joined)

    def text_between(self, start: int, end: int) -> str:
        """The text between two document positions, as it is saved."""
        return long_lines.text_between(self.document(), start, end, self._joined)

    def context(self) -> str:
        """What the model is given: the end of the text before the cursor (or the selection's start),
        as it is saved (a line break made with Shift+Enter is a line feed), a no-break space as a
        space (GPT-2 saw few of them).

        It starts at least as far back as the engine reads (TEXT_NEEDED characters), at a multiple
        of TEXT_STEP positions, so the start stays put while the user types and the engine's
        evaluated prefix is reused; the engine trims it to what the model sees. Only that end is
        read: typing at the end of a document of megabytes costs what it costs in a short one."""
        end = self.textCursor().selectionStart()
        start = text_start(end, CONTEXT_UNITS)
        return self.text_between(start, end).replace(_NO_BREAK_SPACE, " ")

    def character_after_cursor(self) -> str:
        """The character right after the cursor (`character_after`)."""
        return self.character_after(self.textCursor().position())

    def character_after(self, position: int) -> str:
        """The character right after `position` ('' at the end of the text, "\n" at a line's
        end; where a long line's blocks meet, the next block's first)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        # Two steps: the first may be the seam between a long line's blocks, joined to nothing.
        cursor.movePosition(
            QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor, 2
        )
        return self.text_between(position, cursor.position())[:1]

    def text_after_cursor(self) -> str:
        """The start of the text after the cursor (or the selection's end), as it is saved: enough
        for the rest of a word and what follows it."""
        start = self.textCursor().selectionEnd()
        end = min(start + _AFTER_UNITS, self.document().characterCount() - 1)
        return self.text_between(start, end)

    def replace_before_cursor(self, remove: int, text: str, remove_after: int = 0) -> None:
        """Delete the selection, `remove` characters before the cursor and `remove_after` after
        it, insert `text`.

        It is one undo step.
        """
        self.clear_inline()
        removed = self.context()[-remove:] if remove else ""
        removed_after = self.text_after_cursor()[:remove_after]
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        if removed_after:
            start = cursor.position()
            cursor.setPosition(self._end_of(removed_after, cursor))
            cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
        if removed:
            cursor.setPosition(self._start_of(removed, cursor), QTextCursor.MoveMode.KeepAnchor)
        start = cursor.selectionStart()
        self._insert(cursor, text)
        _close_undo_step(cursor, start)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def replace_ranges(self, ranges: list[tuple[int, int]], text: str) -> None:
        """Put `text` in place of each of the document's `ranges` (start, end: in order, not
        overlapping), all one undo step; the cursor stays where it was in the text around them."""
        self.clear_inline()
        self.replaced_ranges = ranges
        cursor = QTextCursor(self.document())
        with self._edits_from(RANGES):
            cursor.beginEditBlock()
            for start, end in reversed(ranges):
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.removeSelectedText()
                self._insert(cursor, text)
            if ranges:
                _close_undo_step(cursor, ranges[0][0])
            cursor.endEditBlock()

    def _start_of(self, removed: str, cursor: QTextCursor) -> int:
        """Where `removed`, the text just before `cursor`, starts in the document. Qt counts
        UTF-16 units, and the seam between a long line's blocks as one position (moving by
        characters would step over whole grapheme clusters instead, and stop at the seam)."""
        start = cursor.position() - ghost_text.qt_length(removed)
        block = cursor.block()
        if start < block.position() and long_lines.continues(block):
            start -= 1  # the word began in the block before: step over the seam too
        return max(start, 0)

    def _end_of(self, removed: str, cursor: QTextCursor) -> int:
        """Where `removed`, the text just after `cursor`, ends in the document (see `_start_of`)."""
        end = cursor.position() + ghost_text.qt_length(removed)
        block = cursor.block()
        block_end = block.position() + block.length() - 1
        if end > block_end and long_lines.continues(block.next()):
            end += 1  # the word goes on in the next block: step over the seam too
        return min(end, self.document().characterCount() - 1)

    # --- the space added after a taken word ---

    def mark_added_space(self) -> None:
        """The space right before the cursor was added by the app, after a word taken from the
        strip. Typed right there, a closing mark takes its place ("for," not "for ,"; a backtick
        or a straight quote that closes, `text_ops.closes_after_word`) and a Space is absorbed
        (no double space), as phone keyboards do. Any other key, a click or a cursor move
        forgets it."""
        self._added_space = (self.textCursor().position(), self.document().availableUndoSteps())

    def _forget_added_space_if_moved(self) -> None:
        if self._added_space is not None and self.textCursor().position() != self._added_space[0]:
            self._added_space = None

    def _typed_at_added_space(
        self, added: tuple[int, int], text: str, modifiers: Qt.KeyboardModifier
    ) -> bool:
        """Act on a key typed right after the added space; returns whether it was handled here."""
        if modifiers not in TYPING_MODIFIERS or not (text == " " or text in _MAY_ATTACH):
            return False
        position, undo_steps = added
        cursor = self.textCursor()
        context = self.context()
        if cursor.hasSelection() or cursor.position() != position or context[-1:] != " ":
            return False
        if text != " ":
            if not closes_after_word(text, context[:-1]):
                return False
            self._attach_mark(text, undo_steps)
        return True

    def _attach_mark(self, mark: str, undo_steps: int) -> None:
        """Put `mark` in place of the added space. The space goes with the taken word's undo step
        (undo takes back the word without it), the mark is a step of its own. It is told as a
        Backspace and the mark typed, which is what the user would have done."""
        cursor = self.textCursor()
        with self.user_edit():
            if self.document().availableUndoSteps() == undo_steps:
                cursor.joinPreviousEditBlock()  # the word's step, nothing done since
            else:
                cursor.beginEditBlock()
            cursor.deletePreviousChar()
            cursor.endEditBlock()
            self.setTextCursor(cursor)
        self.backspaced.emit()  # told while it is so: the space gone, the mark not yet there
        with self.user_edit():
            self.replace_before_cursor(0, mark)
        self.typed.emit(mark)

    # --- clipboard and long lines ---

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """The ghost text goes as a drag comes in: Qt places the drop among the document's
        characters as laid out without it (with it, a drop on or after it went to the text's
        start)."""
        self._drop_ghost_text()
        super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """A drop is an edit no key or click came before: the preview goes first, while the
        cursor is still where it shows (Qt moves it to the drop point before inserting)."""
        self._drop_ghost_text()
        files = dropped_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
            return
        super().dropEvent(event)

    def _drop_ghost_text(self) -> None:
        if self._preview_active:
            self.preview_dismiss_requested.emit()
        self.clear_inline()

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Paste and drop: plain text, inserted like typed text (see `long_lines.insert_text`),
        an undo step of its own (a paste was undone with the letters typed before it)."""
        if not source.hasText():
            return
        self.replace_before_cursor(0, source.text())
        self.ensureCursorVisible()

    def _insert(self, cursor: QTextCursor, text: str) -> None:
        self._joined |= long_lines.makes_continuations(text)
        long_lines.insert_text(cursor, text)

    def copy(self) -> None:
        """Copy the selection as it is saved (long lines whole). Qt's own copy joins a long
        line's blocks with line breaks, and overriding `createMimeDataFromSelection` instead
        hands Qt data that Python frees too (a crash at exit)."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            text = self.text_between(cursor.selectionStart(), cursor.selectionEnd())
            QGuiApplication.clipboard().setText(text)

    def cut(self) -> None:
        if self.textCursor().hasSelection() and not self.isReadOnly():
            self.copy()
            self.textCursor().removeSelectedText()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """The standard menu, its Copy and Cut the editor's own (see `copy`)."""
        menu = self.createStandardContextMenu(event.pos())
        for action in menu.actions():
            own = {"edit-copy": self.copy, "edit-cut": self.cut}.get(action.objectName())
            if own is not None:
                action.triggered.disconnect()
                action.triggered.connect(own)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _edit_long_line(self, key: int, plain: bool) -> bool:
        """Enter, Backspace and Delete where a long line's blocks meet act on the line's text, as
        across a wrapped line (by default they would continue the line, or remove only the
        invisible block boundary). Returns whether the key was handled here."""
        cursor = self.textCursor()
        if not (self._joined and plain) or cursor.hasSelection():
            return False
        block = cursor.block()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            long_lines.new_line(cursor)
        elif key == Qt.Key.Key_Backspace and cursor.atBlockStart() and long_lines.continues(block):
            if block.previous().length() <= 1:
                return False
            cursor.setPosition(block.position() - 1)
            cursor.deletePreviousChar()
        elif (
            key == Qt.Key.Key_Delete and cursor.atBlockEnd() and long_lines.continues(block.next())
        ):
            if block.next().length() <= 1:
                return False
            cursor.setPosition(block.next().position())
            cursor.deleteChar()
        else:
            return False
        self._show_cursor(cursor)
        return True

    def _show_cursor(self, cursor: QTextCursor) -> None:
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # --- preview (ghost text) ---

    @property
    def preview_active(self) -> bool:
        return self._preview_active

    @property
    def preview_text(self) -> str:
        return self._preview_text

    @property
    def preview_showing(self) -> bool:
        """Whether some of the preview shows (`Ctrl+Z` then drops it and undoes nothing)."""
        return self._preview_active and bool(self._preview_shown)

    @property
    def composing(self) -> bool:
        """Whether the input method's composition is in progress (no ghost text shows then)."""
        return self._composing

    def collapse_selection(self) -> None:
        """Give up a selection, the cursor at its start: text the model made for the text before
        the selection goes there, and must not replace the selection, which it was not shown."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.setPosition(cursor.selectionStart())
            self.setTextCursor(cursor)

    def begin_preview(self) -> None:
        """A continuation is on its way: from now on keys act on the preview. A selection is
        given up first (`collapse_selection`): ghost text shown over a selection would delete
        it, for good if the preview is dropped."""
        self.collapse_selection()
        self._inline_text = ""
        self._preview_active = True
        self._preview_shown = ""
        self._show_preedit("")

    def append_preview(self, piece: str) -> None:
        """Add a streamed piece. It is shown at once if the ghost text was not laid out in the
        last GHOST_INTERVAL_MS, else with the pieces that come meanwhile when that time is up."""
        if not self._preview_active:
            return
        self._preview_text += piece
        if not self._ghost_timer.isActive():
            self._show_pending_preview()

    def flush_preview(self) -> None:
        """Show every piece received now (the stream ended or was stopped)."""
        self._ghost_timer.stop()
        self._show_pending_preview()

    def _show_pending_preview(self) -> None:
        if self._preview_active and self._preview_shown != self._preview_text:
            self._preview_shown = self._preview_text
            self._show_preedit(self._preview_text)
            self._ghost_timer.start()  # counted from the end of the layout, however long

    def end_preview(self) -> str:
        """Remove the ghost text and return what of it showed (the caller decides whether to
        insert it): pieces come faster than the screen shows them, and a Tab or Enter accepts
        what the user saw, not what was on its way."""
        text = self._preview_shown
        self._ghost_timer.stop()
        self._preview_active = False
        self._preview_text = self._preview_shown = ""
        self._show_preedit("")
        return text

    # --- inline prediction (ghost text too, but upright: the rest of what is being typed) ---

    @property
    def inline_text(self) -> str:
        return self._inline_text

    def show_inline(self, text: str) -> None:
        """Show `text` after the cursor as grey text; never while a continuation preview shows."""
        if (
            self._preview_active
            or self._composing
            or text == self._inline_text
            or self.textCursor().hasSelection()
        ):
            return
        self._inline_text = text
        self._show_preedit(text, italic=False)

    def clear_inline(self) -> None:
        if self._inline_text:
            self._inline_text = ""
            self._show_preedit("")

    # --- where changes come from ---

    @property
    def edit_origin(self) -> str:
        """USER while the user's typing (or a word they took) changes the text, GHOST while ghost
        text is shown or removed (Qt reports that as a change of the text), REPLACED while the
        whole text is replaced (`set_text`: a file opened, a new document), else ""."""
        return self._edit_origin

    @contextlib.contextmanager
    def user_edit(self) -> Iterator[None]:
        """Changes made inside are the user's own writing (typed, or a suggestion taken)."""
        with self._edits_from(USER):
            yield

    @contextlib.contextmanager
    def _edits_from(self, origin: str) -> Iterator[None]:
        """Changes made inside come from `origin` (`edit_origin`)."""
        outer, self._edit_origin = self._edit_origin, origin
        try:
            yield
        finally:
            self._edit_origin = outer

    def _show_preedit(self, text: str, italic: bool = True) -> None:
        """Show `text` as ghost text at the cursor; never while the input method composes (the
        pre-edit text is its composition then)."""
        if self._composing:
            return
        self._sending_ghost = True
        try:
            with self._edits_from(GHOST):
                ghost_text.show(self, text, italic)
        finally:
            self._sending_ghost = False
        # Not part of the text, so a screen reader would not read it: its description says it
        # (a preview's without its text, which changes as it streams)
        self.setAccessibleDescription(
            DESCRIPTION
            if not text
            else PREVIEW_DESCRIPTION
            if italic
            else INLINE_DESCRIPTION + text
        )

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """The input method's text: a commit or a composition is typing, and drops the ghost
        text first (its event replaces the pre-edit text anyway); a commit is told as typed text
        (`typed`: what is learned), as a key's is. The ghost text's own events pass through."""
        if self._sending_ghost:
            super().inputMethodEvent(event)
            return
        typing = bool(event.commitString() or event.preeditString() or event.replacementLength())
        added = self._added_space if typing else None
        if typing:
            self._added_space = None
        alone = commit_alone(event)
        no_keys = Qt.KeyboardModifier.NoModifier
        if alone and added is not None and self._typed_at_added_space(added, alone, no_keys):
            return  # an on-screen keyboard's space or mark after a word taken, as a key's
        if typing:
            if self._preview_active:
                self.preview_dismiss_requested.emit()
            self._inline_text = ""  # before the cursor moves (a move would clear it, here)
        was_composing, self._composing = self._composing, bool(event.preeditString())
        committed = event.commitString() if not event.replacementLength() else ""
        with self.user_edit() if committed else contextlib.nullcontext():
            if alone and not (event.attributes() or event.replacementStart()):
                super().inputMethodEvent(QInputMethodEvent())  # the pre-edit text goes
                self._type(alone)
            else:  # where the commit puts the cursor, or what it replaces, is Qt's to read
                super().inputMethodEvent(event)
        if committed:
            self.typed.emit(committed)
        if not typing and not was_composing:
            self._show_ghost_again()  # an empty event (a reset) took the ghost text away

    def _show_ghost_again(self) -> None:
        if self._preview_active:
            self._show_preedit(self._preview_shown)
        elif self._inline_text:
            self._show_preedit(self._inline_text, italic=False)

    # --- keys and mouse ---

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = modifiers == Qt.KeyboardModifier.NoModifier
        added = None
        if key not in MODIFIER_KEYS:  # Shift before "?" keeps it
            added, self._added_space = self._added_space, None
        if self._preview_active and key not in MODIFIER_KEYS:
            undo = event.matches(QKeySequence.StandardKey.Undo)
            if self._preview_key(key, plain, undo):
                return
        if self._inline_key(key, modifiers):
            return
        if added is not None and self._typed_at_added_space(added, event.text(), modifiers):
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        if event.matches(QKeySequence.StandardKey.Cut):
            self.cut()
            return
        if key == Qt.Key.Key_Escape and plain:
            self.escape_pressed.emit()
            return
        if key == Qt.Key.Key_Tab and plain and self.tab_takes_suggestion:
            self.best_suggestion_requested.emit()
            return
        self._edit(event, key, modifiers)

    def _preview_key(self, key: int, plain: bool, undo: bool) -> bool:
        """While a preview is active: Tab or Enter accepts it, any other key drops it (Esc and
        Undo only that: the preview shows as the last thing put in, and Ctrl+Z meant to take it
        back undid the user's last word as well). Before anything of it shows, Tab only drops it
        and Enter drops it and puts in its line break: the user cannot have meant to accept what
        they have not seen. Returns whether the key was handled here."""
        if plain and key in _ACCEPT_KEYS and self._preview_shown:
            self.preview_accept_requested.emit()
            return True
        shown = self.preview_showing  # Ctrl+Z before anything shows undoes, as it would
        self.preview_dismiss_requested.emit()
        return key == Qt.Key.Key_Escape or (plain and key == Qt.Key.Key_Tab) or (undo and shown)

    def _inline_key(self, key: int, modifiers: Qt.KeyboardModifier) -> bool:
        """Tab and Ctrl+Right take an inline prediction; any other key (not a lone modifier)
        drops it first. Returns whether the key was handled here."""
        if not self._inline_text or key in MODIFIER_KEYS:
            return False
        if key == Qt.Key.Key_Tab and modifiers == Qt.KeyboardModifier.NoModifier:
            self.inline_accept_requested.emit()
            return True
        if key == Qt.Key.Key_Right and modifiers == Qt.KeyboardModifier.ControlModifier:
            self.inline_word_requested.emit()
            return True
        self.clear_inline()
        return False

    def _edit(self, event: QKeyEvent, key: int, modifiers: Qt.KeyboardModifier) -> None:
        """The editor's own handling of a key; typed text and Backspace are reported after."""
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers == SHIFT:
            # Qt would put in a line separator (U+2028), which a file may hold for itself: a
            # line break typed is a line break, saved as the file's
            modifiers = Qt.KeyboardModifier.NoModifier
            event = QKeyEvent(event.type(), key, event.modifiers() & ~SHIFT, event.text())
        plain = modifiers == Qt.KeyboardModifier.NoModifier
        text = event.text().replace("\r", "\n")
        typing = (
            modifiers in TYPING_MODIFIERS and bool(text) and (text.isprintable() or text in "\n\t")
        )
        # Shift held from a capital deletes as Backspace alone does: the same key for the user
        backspace = modifiers in TYPING_MODIFIERS and key == Qt.Key.Key_Backspace
        with self.user_edit() if typing or backspace else contextlib.nullcontext():
            if typing:
                self._type(text, lambda: self._edit_by_key(event, key, plain), long_line=plain)
            else:
                self._edit_by_key(event, key, plain or backspace)
        if typing:
            self.typed.emit(text)
        elif backspace:
            self.backspaced.emit()

    def _edit_by_key(self, event: QKeyEvent, key: int, plain: bool) -> None:
        if not self._edit_long_line(key, plain):
            super().keyPressEvent(event)

    def _type(
        self, text: str, by_qt: Callable[[], None] | None = None, long_line: bool = False
    ) -> None:
        """Puts in `text` typed: in an undo step of its own when it starts one, else by `by_qt`
        (Qt's handling of the key), or without it as part of the step typed before (an input
        method's commit: Qt makes it an edit block of its own, merged with nothing before, so
        é composed with a dead key split café in two). What it leaves is kept for the next
        key's. `long_line`: Enter ends a long line's text (`_edit_long_line`)."""
        new_step = self._starts_undo_step(text)
        start = self.textCursor().selectionStart()
        if new_step or by_qt is None:
            self._insert_as_step(text, join=not new_step, long_line=long_line)
        else:
            by_qt()
        kept = start if new_step or self._typing is None else self._typing[1]
        self._typing = (self._typing_state(), kept)

    def _insert_as_step(self, text: str, join: bool, long_line: bool) -> None:
        """Puts in `text` in an edit block: an undo step, which the letters typed after it join
        (Qt merges all that is typed in a row into one undo step, so a paragraph was undone at
        once, but not an edit block with what came before it, while it merges typing into the
        edit block before it: a word's first letter typed as a block makes a step of the word
        and the space or mark after it, as a word processor undoes). `join`: part of the step
        before instead. Put in here, not by Qt's handling of the key inside the block: that lays
        out the text before the block ends, with the lines as they were, and crashed where the
        key made a wrapped paragraph at the top of the view a line longer. (The editor is never
        read-only nor in overwrite mode, which Qt's handling would heed.)"""
        cursor = self.textCursor()
        if join:
            cursor.joinPreviousEditBlock()
        else:
            cursor.beginEditBlock()
        if long_line and text == "\n" and self._joined and not cursor.hasSelection():
            long_lines.new_line(cursor)
        else:
            cursor.insertText(text)
        cursor.endEditBlock()
        self._show_cursor(cursor)

    def _starts_undo_step(self, text: str) -> bool:
        """Whether typing `text` starts an undo step: the first letter of a word typed after a
        space (a word and the space after it are a step, the space after a word taken or a mark
        with the word after it), or anything typed after another change or a cursor move."""
        if self._typing is None or self._typing[0] != self._typing_state():
            return True
        start = self.textCursor().position()
        after_space = start > 0 and self.document().characterAt(start - 1).isspace()
        return after_space and not text.isspace() and self._typing[1] != start - 1

    def _typing_state(self) -> tuple[int, int, int, int]:
        """What typing alone changes as Qt merges it (ghost text changes none of it)."""
        cursor = self.textCursor()
        document = self.document()
        return (
            document.availableUndoSteps(),
            document.characterCount(),
            cursor.position(),
            cursor.anchor(),
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click drops the ghost text, and lands where the user aimed: on the text as drawn
        with the ghost text, which moved what follows it (the cursor went to the line's end,
        or the text's; `ghost_text.Gesture`)."""
        self._added_space = None
        aimed = self._gesture.aim(event, self._drop_ghost_text)
        super().mousePressEvent(self._gesture.moved(event))
        cursor = self.textCursor()
        plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
        if aimed is not None and plain and not cursor.hasSelection() and cursor.position() != aimed:
            cursor.setPosition(aimed)  # where left-to-right and right-to-left text meet, the
            self.setTextCursor(cursor)  # point found for it may stand for the other end

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(self._gesture.moved(event) if event.buttons() else event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(self._gesture.moved(event))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._gesture.aim(event, self._drop_ghost_text)
        super().mouseDoubleClickEvent(self._gesture.moved(event))


def commit_alone(event: QInputMethodEvent) -> str:
    """The text an input method commits with no composition and nothing replaced ("" else):
    typed as a key's (an on-screen keyboard's keys come so)."""
    if event.preeditString() or event.replacementLength():
        return ""
    return event.commitString()


def _close_undo_step(cursor: QTextCursor, start: int) -> None:
    """End the edit block with a change of format (to the one the text has): Qt merges an
    insertion typed right after an edit block's last insertion into that block, so a word taken
    and the letters typed after it would be undone together, and the word typed before with them.

    The change ends at the cursor, and never starts where the last line inserted (from `start`)
    starts: Qt's redo puts the cursor after the block's last change, adding up the lengths of
    changes made at one position, so a one-character line (a mark put in place of the added
    space) redone put the cursor one character too far, or out of the text. Nothing is needed
    after a line break (Qt merges nothing across one); one character inserted at the very start
    cannot have such a change, and is left to merge with what is typed after it."""
    end = cursor.position()
    line_start = max(start, cursor.block().position())
    change_start = end - 2 if end - line_start == 1 else end - 1
    if end == cursor.block().position() or change_start < 0:
        return
    cursor.setPosition(change_start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    cursor.setCharFormat(cursor.charFormat())
    cursor.setPosition(end)


def dropped_files(source: QMimeData) -> list[Path]:
    """The local files a drop carries ([] unless it carries only local files)."""
    urls = source.urls() if source.hasUrls() else []
    if not urls or not all(url.isLocalFile() for url in urls):
        return []
    return [Path(url.toLocalFile()) for url in urls]
