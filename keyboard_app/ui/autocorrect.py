"""Autocorrect on space or punctuation, and its undo: the editor's side of `corrector.autocorrect`.

The strip marks the correction a space would put in (`Suggestion.autocorrect`, for the text before
the cursor; only while the setting is on, `SuggestionController.autocorrect`). A Space typed right
there puts it in place of the typed word, with the space, as one undo step; so does a mark that
ends a word (`ENDS_WORD`: , ; ! ? ) ] " ” and Enter; not . or :, which may go on within a word: a
file name, an abbreviation, an address), put in after the correction; a full stop typed right
after the word ends it once a Space follows it (`See you tomorow. `: tomorrow. ). A Backspace
right after (no other key, no cursor move between) undoes it, as on a phone: the typed word comes
back with its space or mark (Ctrl+Z right after takes back the word and its space), and `restored`
tells who keeps it from being corrected again
(`Predictor.keep_word`) and learns it. The correction acts on the model's answer
for the word as typed: a space typed before that answer has come leaves the word as it is.
A lone letter closed by a bracket labels an item of a list, "(i)", and stays as typed.
Only a word the user typed is corrected (its letters typed in a row, as learning counts them): not
one opened, pasted, or reached by moving the cursor, which the strip still offers to correct. A
space or a mark that an input method commits alone (an on-screen keyboard's) acts as the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QKeySequence

from keyboard_app.engine.words import LINE_BREAKS, split_typed_word
from keyboard_app.ui.editor import MODIFIER_KEYS, TYPING_MODIFIERS, Editor, commit_alone
from keyboard_app.ui.suggestion_strip import SuggestionStrip
from keyboard_app.ui.text_ops import word_typed_in_a_row

# What ends a word and puts its autocorrection in, besides a space (Enter is a line feed).
# Not "." nor ":": letters may follow them in the same word (conftest.py, i.e., example.com, 10:30).
ENDS_WORD = frozenset(',;!?)]"”\n')
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass(frozen=True)
class Correction:
    """`typed` was replaced by `corrected`; `position`: the cursor right after its space (or
    the mark that ended it, or the full stop and the space, `end`)."""

    typed: str
    corrected: str
    before: str  # the text before the typed word
    position: int
    end: str = " "


# How long the status bar tells of an autocorrection (`autocorrect_told`).
AUTOCORRECT_TOLD_MS = 4000


def autocorrect_told(correction: Correction) -> str:
    """What the status bar says of an autocorrection: the word put in leaves no mark of its own in
    the text, and the typed word is one Backspace away (as long as nothing else happens)."""
    return (
        f"{correction.typed} → {correction.corrected} "
        f"(Backspace right away puts {correction.typed} back)"
    )


@dataclass(frozen=True)
class _Stop:
    """A full stop typed right after a word the strip framed for correction: a Space next ends
    the sentence, and the correction goes in before the stop."""

    position: int  # the cursor right after the stop
    typed: str
    corrected: str


class AutocorrectController(QObject):
    """Watches the editor's keys (an event filter: it acts before the editor inserts the space)."""

    # A Backspace or Ctrl+Z undid an autocorrection (the Correction undone).
    restored = Signal(object)
    # A word was autocorrected (the Correction put in).
    corrected = Signal(object)

    def __init__(
        self, editor: Editor, strip: SuggestionStrip, typed_in_a_row: Callable[[], int]
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.strip = strip
        self._typed_in_a_row = typed_in_a_row  # `Learner.typed_in_a_row`
        self._last: Correction | None = None  # undoable while nothing else happened
        self._stop: _Stop | None = None  # waits for the key right after the stop
        editor.installEventFilter(self)
        editor.cursorPositionChanged.connect(self._forget_if_moved)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.editor:
            return False
        if isinstance(event, QInputMethodEvent):
            return self._committed(event)
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in MODIFIER_KEYS:
            return False
        last, self._last = self._last, None
        stop, self._stop = self._stop, None
        if event.matches(QKeySequence.StandardKey.Undo):
            if self.editor.preview_showing:  # it drops the preview alone: the next one undoes
                self._last, self._stop = last, stop
                return False
            if last is not None and self._right_after(last):
                self.restored.emit(last)  # the editor's own undo takes it back; kept from now on
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        end = _word_end(event, modifiers)
        if event.text() == "." and modifiers in TYPING_MODIFIERS and not self.editor.preview_active:
            self._stop = self._framed_stop()
            return False
        if end == " " and stop is not None and not self.editor.preview_active:
            return self._correct_at_stop(stop)
        if self.editor.preview_active:
            # The key acts on the preview (Backspace drops it, Enter takes it); a space or a mark
            # drops it, as any key does, and then ends the word as ever (it was left uncorrected)
            if end is None or end == "\n":
                return False
            self.editor.preview_dismiss_requested.emit()
        if event.key() == Qt.Key.Key_Backspace and modifiers in TYPING_MODIFIERS:
            return last is not None and self._undo(last)
        return end is not None and self._correct(end)

    def _committed(self, event: QInputMethodEvent) -> bool:
        """An input method's text (an on-screen keyboard's keys come so): a space or a mark
        committed alone ends the word as the key does."""
        end = commit_alone(event)
        stop, self._stop = self._stop, None
        if end == "." and not self.editor.preview_active:
            self._last, self._stop = None, self._framed_stop()
            return False
        if not (end == " " or end in ENDS_WORD - {"\n"}):
            return False
        self._last = None
        if self.editor.preview_active:
            self.editor.preview_dismiss_requested.emit()
        if end == " " and stop is not None:
            return self._correct_at_stop(stop)
        return self._correct(end)

    def _framed(self) -> tuple[str, str, str] | None:
        """The text before the cursor, the word typed at its end and the correction the strip
        frames for it, when a space or a mark would put it in."""
        editor, word = self.editor, self.strip.autocorrect
        if not word or editor.isReadOnly():
            return None
        before = editor.context()
        if self.strip.context != before or editor.textCursor().hasSelection():
            return None
        if not word_typed_in_a_row(before, self._typed_in_a_row()):
            return None
        return before, split_typed_word(before).typed, word

    def _framed_stop(self) -> _Stop | None:
        """What a Space after the full stop being typed will correct, if anything."""
        framed = self._framed()
        if framed is None:
            return None
        _, typed, word = framed
        return _Stop(self.editor.textCursor().position() + 1, typed, word)

    def _correct_at_stop(self, stop: _Stop) -> bool:
        """The Space after a stop typed right after a framed word: the correction goes in before
        the stop, the space after it (one undo step; Backspace right after restores the word)."""
        editor = self.editor
        cursor = editor.textCursor()
        if editor.isReadOnly() or cursor.hasSelection() or cursor.position() != stop.position:
            return False
        # The context's start may have moved on with the stop (`Editor.context`): its end tells.
        before = editor.context()
        if not before.endswith(stop.typed + "."):
            return False
        return self._put_in(before[: -len(stop.typed) - 1], stop.typed, stop.corrected, ". ")

    def _correct(self, end: str) -> bool:
        """Put the strip's autocorrection in place of the typed word, with `end` (the space or
        mark typed); True then."""
        framed = self._framed()
        if framed is None:
            return False
        before, typed, word = framed
        if end == ")" and _labels_an_item(before[: -len(typed)], typed):
            return False
        return self._put_in(before[: -len(typed)], typed, word, end)

    def _put_in(self, start: str, typed: str, word: str, end: str) -> bool:
        """Replace what was typed after `start` (the word, and a stop) with `word` and `end`;
        the last character of `end` is what the user typed."""
        editor = self.editor
        typed_end = end[-1]
        with editor.user_edit():
            editor.replace_before_cursor(len(typed) + len(end) - 1, word + end)
        position = editor.textCursor().position()
        self._last = Correction(typed, word, start, position, end)
        editor.typed.emit(typed_end)
        self.corrected.emit(self._last)
        return True

    def _undo(self, last: Correction) -> bool:
        """Put the typed word back, if the text before the cursor is still the correction's."""
        if not self._right_after(last):
            return False
        with self.editor.user_edit():
            self.editor.replace_before_cursor(
                len(last.corrected) + len(last.end), last.typed + last.end
            )
        self.restored.emit(last)
        return True

    def _right_after(self, last: Correction) -> bool:
        """Whether the cursor is right after the correction's space or mark, nothing selected."""
        cursor = self.editor.textCursor()
        if cursor.hasSelection() or cursor.position() != last.position:
            return False
        return self.editor.context().endswith(last.corrected + last.end)

    @Slot()
    def _forget_if_moved(self) -> None:
        if self._last is not None and self.editor.textCursor().position() != self._last.position:
            self._last = None


def _labels_an_item(before: str, typed: str) -> bool:
    """A lone letter closed by a bracket, in brackets or at a line's start, labels an item of a
    list ("(i)", "i)"): it stays as typed, though "(i think" has the pronoun."""
    line_start = before.rstrip(" \t")[-1:] in ("", *LINE_BREAKS)
    return len(typed) == 1 and (before.endswith("(") or line_start)


def _word_end(event: QKeyEvent, modifiers: Qt.KeyboardModifier) -> str | None:
    """The space or mark that `event` types to end a word (Enter: a line feed), or None."""
    if event.key() in _ENTER_KEYS:
        return "\n" if modifiers == Qt.KeyboardModifier.NoModifier else None
    text = event.text()
    if modifiers in TYPING_MODIFIERS and (text == " " or text in ENDS_WORD):
        return text
    return None
