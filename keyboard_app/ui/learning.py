"""Learning the user's words as they finish them: what the editor sends the engine to learn.

A word is finished when whitespace the user typed follows it (a space, Tab or Enter). What is
learned then is the whole chunk since the whitespace before it, punctuation included ("regards,"),
so that an e-mail address or a link, which the store never learns, is seen whole and not word by
word as its dots are typed. Only text the user typed in a row counts: a chunk that reaches into
text opened from a file, pasted, inserted from a continuation or there before the cursor moved is
not learned (an autocorrected word is learned as corrected; one whose autocorrection the user
undid, as typed). A word taken from the strip is learned once the user goes on; a Backspace into it
first counts against it instead (`Predictor.penalise`), and it is not learned.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Slot

from keyboard_app.ui.autocorrect import Correction
from keyboard_app.ui.editor import Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.text_ops import CLOSERS, Taken

log = logging.getLogger(__name__)

# How much of the paragraph before a finished word is sent with it: the store's phrases reach
# back two tokens, read from at most 200 characters (trigrams.HISTORY_CHARS).
CONTEXT_CHARS = 256


@dataclass
class _TakenWord:
    """A word taken from the strip, not yet learned: `trailing` counts what is left of the
    characters inserted after it (its space); a Backspace beyond them deletes the word."""

    word: str
    context: str
    inserted_after: int
    trailing: int


def paragraph_tail(context: str) -> str:
    """The end of the paragraph of `context` that the store's phrases may reach into, cut after
    a space (so that no word is cut) when the paragraph is longer."""
    paragraph = context.rsplit("\n", 1)[-1]
    if len(paragraph) <= CONTEXT_CHARS:
        return paragraph
    tail = paragraph[-CONTEXT_CHARS:]
    return tail[tail.find(" ") + 1 :] or tail


def finished_chunk(before: str) -> tuple[str, str]:
    """The chunk of text (no whitespace) at the end of `before` and the text before it."""
    start = len(before)
    while start > 0 and not before[start - 1].isspace():
        start -= 1
    return before[start:], before[:start]


class Learner(QObject):
    """Follows the user's typing and sends each finished word to the engine (`active`: whether
    anything is sent; while it is not, typing is still followed)."""

    def __init__(self, editor: Editor, client: EngineClient) -> None:
        super().__init__(editor)
        self.editor = editor
        self.client = client
        self._active = True
        self._typed = 0  # characters at the end of the text before the cursor typed in a row
        self._taken: _TakenWord | None = None
        self._position = editor.textCursor().position()
        editor.typed.connect(self.on_typed)
        editor.backspaced.connect(self.on_backspace)
        editor.document().contentsChange.connect(self._on_change)
        editor.cursorPositionChanged.connect(self._on_cursor)

    @property
    def active(self) -> bool:
        return self._active

    @active.setter
    def active(self, active: bool) -> None:
        """Learning on or off (paused, stopped): what was typed while it was off is never
        learned, not even the word being typed when it comes back on."""
        if active != self._active:
            self._typed = 0
            self._taken = None
        self._active = active

    @Slot(str)
    def on_typed(self, text: str) -> None:
        """Text the user typed (or accepted as their own), already in the document."""
        self._settle()
        before = self.editor.context()
        if before.endswith(text):
            self._insert(before[: len(before) - len(text)], text)
        else:  # typed over a selection's end, or the editor changed what was typed
            self._typed = 0
        self._mark()

    @Slot()
    def on_backspace(self) -> None:
        self._typed = max(0, self._typed - 1)
        taken = self._taken
        if taken is not None:
            taken.trailing -= 1
            if taken.trailing < 0:
                self._taken = None
                if self.active:
                    self.client.penalise(taken.word, paragraph_tail(taken.context))
        self._mark()

    @Slot(object)
    def on_taken(self, taken: Taken) -> None:
        """A word taken from the strip: the chunk its leading space finishes is learned now, the
        word itself once the user goes on without deleting it."""
        self._settle()
        self._typed = max(0, self._typed - taken.insertion.remove)
        if taken.word[:1] in CLOSERS:  # punctuation: it belongs to the chunk before it
            self._insert(taken.kept, taken.insertion.text)
        else:
            self._insert(taken.kept, taken.insertion.text[: taken.lead])
            self._typed += len(taken.word) + taken.trailing
            self._taken = _TakenWord(taken.word, taken.context, taken.trailing, taken.trailing)
        self._mark()

    @Slot(object)
    def on_restored(self, correction: Correction) -> None:
        """The user undid an autocorrection: the word as they typed it is theirs, learned."""
        if self.active:
            self.client.learn(correction.typed, paragraph_tail(correction.before))

    def _insert(self, before: str, text: str) -> None:
        """Count `text`, typed after `before`; each whitespace finishes the chunk before it."""
        for char in text:
            if char.isspace():
                self._finish(before)
            before += char
            self._typed += 1

    def _finish(self, before: str) -> None:
        chunk, context = finished_chunk(before)
        if chunk and len(chunk) <= self._typed and self.active:
            self.client.learn(chunk, paragraph_tail(context))

    def _settle(self) -> None:
        """The user went on after taking a word: learn it, unless they changed what followed it
        (then it is part of a chunk still being typed, learned when that is finished)."""
        taken, self._taken = self._taken, None
        if taken is not None and taken.trailing == taken.inserted_after and self.active:
            self.client.learn(taken.word, paragraph_tail(taken.context))

    def _mark(self) -> None:
        self._position = self.editor.textCursor().position()

    @Slot(int, int, int)
    def _on_change(self, _position: int, _removed: int, _added: int) -> None:
        """A change that is not the user's writing (a file opened, a paste, an undo, a
        continuation inserted): nothing typed so far is followed on, nothing taken is learned."""
        if not self.editor.edit_origin:
            self._taken = None
            self._typed = 0

    @Slot()
    def _on_cursor(self) -> None:
        """The cursor moved elsewhere: a taken word is kept, and typing starts afresh."""
        if self.editor.edit_origin or self.editor.textCursor().position() == self._position:
            return
        self._settle()
        self._typed = 0
        self._mark()
