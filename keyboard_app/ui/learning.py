"""Learning the user's words as they finish them: what the editor sends the engine to learn.

A word is finished when whitespace the user typed follows it (a space, Tab or Enter). What is
learned then is the whole chunk since the whitespace before it, punctuation included ("regards,"),
so that an e-mail address or a link, which the store never learns, is seen whole and not word by
word as its dots are typed. Only text the user typed in a row counts, and only that is sent as the
context its phrases reach into: a chunk that reaches into text opened from a file, pasted,
inserted from a continuation or there before the cursor moved is not learned, and such text is
never the history of a phrase. It is still read to tell whether it makes the chunk a secret (a
label pasted before it, a number's first groups): then nothing is learned.

A word taken from the strip, and the last word of an accepted inline prediction, are learned once
the user goes on; a Backspace into it first counts against it instead (`Predictor.penalise`,
after the take is counted, as the store counts a take: together one count against the phrase,
none against the word). An autocorrected word is learned as corrected; when the user undoes the
autocorrection, it counts against the correction in the same way and the word as typed is
learned. Deleting a word learned before anything is written before it (a Backspace over the
whitespace that finished it, Ctrl+Backspace, an undo, a selection cut, deleted or typed over,
after moving the cursor too), or typing inside it, takes it back (`Predictor.unlearn`;
`LearnedRun` keeps where each one lies); finished again, it is learned as it ends up ("recieve",
then "receive"). Such a delete of a word just taken counts against it, as a Backspace does.
Taking back goes on while learning is paused or off: a user who pauses and then deletes what they
typed wants it gone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from PySide6.QtCore import QObject, Slot

from keyboard_app.engine.trigrams import BOUNDARY
from keyboard_app.personal.learning import learnable_after, paragraph_start
from keyboard_app.ui.autocorrect import Correction
from keyboard_app.ui.editor import GHOST, RANGES, REPLACED, USER, Editor
from keyboard_app.ui.engine_client import EngineClient
from keyboard_app.ui.ghost_text import qt_length
from keyboard_app.ui.learned_run import LearnedRun
from keyboard_app.ui.text_ops import CLOSERS, Taken

log = logging.getLogger(__name__)

# How much of the paragraph before a finished word is sent with it: the store's phrases reach
# back two tokens, read from at most 200 characters (trigrams.HISTORY_CHARS).
CONTEXT_CHARS = 256
# How much of the line before a paragraph is sent with its first words: enough for a label.
LABEL_CHARS = 64
_WHITESPACE = re.compile(r"\s")


@dataclass
class _TakenWord:
    """A word taken from the strip (or an inline prediction's last word), not yet learned:
    `context` is the text before it, `learn_context` what is sent with it to learn it (None: it is
    not learned there); `trailing` counts what is left of the characters inserted after it (its
    space), and a Backspace beyond them deletes the word."""

    word: str
    context: str
    learn_context: str | None
    inserted_after: int
    trailing: int


@dataclass(frozen=True)
class _Sent:
    """The chunk last sent to be learned, after `context`, of which `typed` characters were typed
    in a row: what an autocorrection undone right after takes back."""

    chunk: str
    context: str
    typed: int


def paragraph_tail(context: str) -> str:
    """The end of the paragraph of `context` that the store's phrases may reach into, cut after
    a space (so that no word is cut) when the paragraph is longer."""
    paragraph = context[paragraph_start(context) :]
    if len(paragraph) <= CONTEXT_CHARS:
        return paragraph
    tail = paragraph[-CONTEXT_CHARS:]
    return tail[tail.find(" ") + 1 :] or tail


def learning_context(context: str, typed: int | None = None) -> str:
    """What is sent with a word finished after `context` for its phrases to reach into
    (`learn_into`): the end of its paragraph, led by a line break when that is the paragraph's
    start (and by the end of the line before, which may be a secret's label: "password:"), by a
    space when the start is not in it. With `typed`, only the characters typed in a row at its
    end (from a word's start): what was not typed is never a phrase's history."""
    start = paragraph_start(context)
    earlier, paragraph = context[: max(start - 1, 0)], context[start:]
    known = len(paragraph) if typed is None else min(typed, len(paragraph))
    if known == len(paragraph) <= CONTEXT_CHARS:
        return earlier.rpartition("\n")[2][-LABEL_CHARS:] + "\n" + paragraph
    tail = paragraph[len(paragraph) - min(known, CONTEXT_CHARS) :]
    if not paragraph[: len(paragraph) - len(tail)][-1:].isspace():  # a word cut: not it
        space = _WHITESPACE.search(tail)
        tail = tail[space.end() :] if space else ""
    return " " + tail


def finished_chunk(before: str) -> tuple[str, str]:
    """The chunk of text (no whitespace) at the end of `before` and the text before it."""
    start = len(before)
    while start > 0 and not before[start - 1].isspace():
        start -= 1
    return before[start:], before[:start]


def _within(context: str, whole_context: str, text: str) -> bool:
    """Whether what is learned of `text` after `context` (part of `whole_context`'s end) is
    what is learned of it after the whole one, its phrases reaching back less far at most. (A
    number held back at the end of either is left out: one in text not typed is not learned, and
    was no reason to learn nothing of `text`, "May 1994. Zorblax".)"""
    mine = learnable_after(context, text, goes_on=True, number_before=False)
    whole = learnable_after(whole_context, text, goes_on=True, number_before=False)
    return len(mine) == len(whole) and all(
        _words(tokens) == _words(whole_tokens)
        and history == whole_history[len(whole_history) - len(history) :]
        for (history, tokens), (whole_history, whole_tokens) in zip(mine, whole, strict=True)
    )


def _words(tokens: list[str]) -> list[str]:
    return [token for token in tokens if token != BOUNDARY]


class Learner(QObject):
    """Follows the user's typing and sends each finished word to the engine (`active`: whether
    anything is sent; while it is not, typing is still followed)."""

    def __init__(self, editor: Editor, client: EngineClient) -> None:
        super().__init__(editor)
        self.editor = editor
        self.client = client
        self._active = True
        self._run = 0  # characters at the end of the text before the cursor typed in a row
        self._unlearned = 0  # the first of them, typed before learning went off or on again
        self._taken: _TakenWord | None = None
        self._sent: _Sent | None = None
        self._learned = LearnedRun()  # where the words learned lie, until text goes in before
        self._selection: tuple[int, int] | None = None  # made since the last change
        self.takes_back = True  # deleting a word learned takes it back (not once the store failed)
        self._accepting_inline = False  # the text typed next is an inline prediction accepted
        self._position = editor.textCursor().position()
        editor.inline_accepted.connect(self._on_inline_accepted)
        editor.typed.connect(self.on_typed)
        editor.backspaced.connect(self.on_backspace)
        editor.document().contentsChange.connect(self._on_change)
        editor.cursorPositionChanged.connect(self._on_cursor)
        editor.selectionChanged.connect(self._on_cursor)  # one gone, the cursor where it was

    @property
    def active(self) -> bool:
        return self._active

    @active.setter
    def active(self, active: bool) -> None:
        """Learning on or off (paused, stopped): what was typed while it was off is never
        learned, not even the word being typed when it comes back on. (What was learned before
        is still taken back if deleted.)"""
        if active != self._active:
            self._unlearned = self._typed
            self._taken = None
            self._sent = None
        self._active = active

    @property
    def typed_in_a_row(self) -> int:
        """How many characters at the end of the text before the cursor the user typed in a row
        (or took from the strip): none of text opened, pasted, inserted from a continuation or
        there before the cursor moved. (What autocorrect may change: learning going off or on
        mid-word does not change it.)"""
        return self._typed

    @property
    def _typed(self) -> int:
        return self._run

    @_typed.setter
    def _typed(self, typed: int) -> None:
        self._run = typed
        self._unlearned = min(self._unlearned, typed)  # deleted, or typing started afresh

    @property
    def _learnable(self) -> int:
        """Of the characters typed in a row, those that may be learned: the ones typed since
        learning last went off or on."""
        return self._run - self._unlearned

    @Slot()
    def _on_inline_accepted(self) -> None:
        """The text `typed` reports next is an inline prediction: its last word is learned as a
        word taken (`_accept`)."""
        self._accepting_inline = True

    def forget_history(self) -> None:
        """Words were forgotten (or everything cleared): the text typed so far is no history of
        what is typed next, or a phrase would learn a forgotten word again."""
        self._unlearned = self._typed
        self._learned.clear()
        self._taken = None
        self._sent = None

    @Slot(str)
    def on_typed(self, text: str) -> None:
        """Text the user typed (or accepted as their own), already in the document: what it was
        typed over (a selection, one Select All made too) or inside is taken back."""
        start = self._inserted_at(text)
        if self._selection is not None:
            self._delete_selection(self._selection)
        else:
            self._take_back(start, max(start, self._position))
        self._settle()
        self._sent = None
        accepting, self._accepting_inline = self._accepting_inline, False
        before = self.editor.context()
        if not before.endswith(text):  # the editor changed it
            self._restart()
        elif accepting:
            self._accept(before[: len(before) - len(text)], text, start)
        else:
            self._insert(before[: len(before) - len(text)], text, start)
        self._mark()

    @Slot()
    def on_backspace(self) -> None:
        """A Backspace typed (a character or a selection deleted): what it reaches into is taken
        back (`_take_back`)."""
        self._sent = None
        position = self.editor.textCursor().position()
        self._delete_selection(self._selection or (position, max(position, self._position)))
        self._mark()

    def _delete_selection(self, deleted: tuple[int, int]) -> None:
        """The text from `deleted`'s start to its end was deleted by the user (a Backspace, or
        typed over): what it reaches into is taken back; the typing goes on where it ended if it
        ended there, else afresh."""
        start, end = deleted
        self._take_back(start, end)
        if end == self._position:
            self._typed = max(0, self._typed - (end - start))
        else:
            self._restart()

    @Slot(object)
    def on_taken(self, taken: Taken) -> None:
        """A word taken from the strip: the chunk its leading space finishes is learned now, the
        word itself once the user goes on without deleting it. What it replaced (the letters
        typed of a word, a word it was taken inside, a selection) is taken back."""
        insertion = taken.insertion
        replaced = taken.before[len(taken.before) - insertion.remove :] if insertion.remove else ""
        start = self._position - qt_length(replaced)
        self._delete_selection(self._selection or (start, self._position + insertion.remove_after))
        self._settle()
        self._sent = None
        if taken.word[:1] in CLOSERS:  # punctuation: it belongs to the chunk before it
            self._insert(taken.kept, taken.insertion.text, self._inserted_at(taken.insertion.text))
        else:
            lead = taken.insertion.text[: taken.lead]
            self._insert(taken.kept, lead, self._inserted_at(taken.insertion.text))
            self._hold(taken.word, taken.context, self._learnable, taken.trailing)
            self._typed += len(taken.word) + taken.trailing
        self._mark()

    @Slot(object)
    def on_restored(self, correction: Correction) -> None:
        """The user undid an autocorrection right after it. When its space finished the
        corrected word, that was learned: it counts against the correction as a word taken and
        deleted does, and the word as typed is learned. (One finished by a mark is not learned
        yet: the word as typed is, when its chunk is finished.)"""
        sent, self._sent = self._sent, None
        corrected = self._learned.take(self._position - 1, self._position)
        stop = correction.end.rstrip()  # the "." of "tomorrow. ", learned with the word
        if not self.active or sent is None or not sent.chunk.endswith(correction.corrected + stop):
            if self.takes_back:  # paused since: taken back as any word deleted is
                for sent_back in corrected:
                    self.client.unlearn(*sent_back)
            return
        lead = sent.chunk[: len(sent.chunk) - len(correction.corrected + stop)]  # "(" of "(teh"
        self.client.penalise(correction.corrected, paragraph_tail(sent.context + lead))
        restored = lead + correction.typed + stop
        learned = self._learn(restored, sent.context, sent.typed)
        self._sent = _Sent(restored, sent.context, sent.typed)
        self._mark()
        back = lead + correction.typed + correction.end
        if learned is not None and self.editor.context().endswith(back):  # not Ctrl+Z's, yet
            self._learned.add(self._position - qt_length(back), self._position, learned)

    def _inserted_at(self, text: str) -> int:
        """Where `text`, just inserted before the cursor, starts in the document (in Qt's
        positions: two for a character beyond the BMP, an emoji)."""
        return self.editor.textCursor().position() - qt_length(text)

    def _insert(self, before: str, text: str, start: int) -> None:
        """Count `text`, typed after `before` from the document position `start`; each
        whitespace finishes the chunk before it."""
        at = start
        for char in text:
            if char.isspace():
                self._finish(before, char, at)
            before += char
            at += qt_length(char)
            self._typed += 1
        if not text[-1:].isspace():
            self._sent = None  # a Backspace now deletes what followed the whitespace

    def _accept(self, before: str, text: str, start: int) -> None:
        """An inline prediction accepted (`text`, inserted after `before`): the words it finishes
        are learned as typed, but its last one, with the space after it, is held as a word taken
        from the strip is."""
        word_end = len(text.rstrip())
        chunk, context = finished_chunk(before + text[:word_end])
        word_start = max(0, word_end - len(chunk))
        if word_end == len(text) or not chunk:  # nothing after it: it goes on as typed
            self._insert(before, text, start)
            return
        self._insert(before, text[:word_start], start)
        self._typed += word_end - word_start
        self._hold(chunk, context, self._learnable - len(chunk), len(text) - word_end)
        self._typed += len(text) - word_end

    def _hold(self, word: str, context: str, typed: int, trailing: int) -> None:
        """Keep `word` (after `context`, of which `typed` characters were typed in a row) to be
        learned when the user goes on; `trailing` characters were inserted after it."""
        learn_context = self._learn_context(word, context, typed) if typed >= 0 else None
        self._taken = _TakenWord(word, context, learn_context, trailing, trailing)
        self._sent = None  # a Backspace goes into this word, not into the one finished before

    def _finish(self, before: str, end: str, at: int) -> None:
        """The chunk at the end of `before` is finished by the whitespace `end` (at the document
        position `at`): a line break ends a number too, so it is sent with it (nothing is held
        back for what follows)."""
        chunk, context = finished_chunk(before)
        if chunk and len(chunk) <= self._learnable and self.active:
            typed = self._learnable - len(chunk)
            learned = self._learn(chunk + "\n" if end == "\n" else chunk, context, typed)
            self._sent = _Sent(chunk, context, typed)
            if learned is not None:
                self._learned.add(at - qt_length(chunk), at + 1, learned)

    def _learn(self, text: str, context: str, typed: int) -> tuple[str, str] | None:
        """Send `text` to be learned; the text and context sent, or None when nothing was."""
        learn_context = self._learn_context(text, context, typed)
        if learn_context is None:
            return None
        self.client.learn(text, learn_context)
        return text, learn_context

    def _learn_context(self, text: str, context: str, typed: int) -> str | None:
        """What to send with `text`, written after `context` (`typed` characters of it typed in a
        row): the typed part alone (`learning_context`), or None when what was not typed before
        it changes what is learned of it (a secret's label or a number's first groups pasted)."""
        own = learning_context(context, typed)
        whole = learning_context(context)
        return own if own == whole or _within(own, whole, text) else None

    def _count_against(self, word: str, context: str, learn_context: str | None) -> None:
        """A word taken and deleted before it was learned: counted as taken, then against
        (`PersonalStore.penalise` takes back the take's count and one more from its phrases):
        one count against the phrase, none against the word, which may be right elsewhere."""
        if learn_context is not None:
            self.client.learn(word, learn_context)
            self.client.penalise(word, paragraph_tail(context))

    def _settle(self) -> None:
        """The user went on after taking a word: learn it, unless they changed what followed it
        (then it is part of a chunk still being typed, learned when that is finished)."""
        taken, self._taken = self._taken, None
        if taken is None or taken.trailing != taken.inserted_after or not self.active:
            return
        if taken.learn_context is not None:
            self.client.learn(taken.word, taken.learn_context)
            word_start = self._position - taken.trailing - qt_length(taken.word)
            self._learned.add(word_start, self._position, (taken.word, taken.learn_context))

    def _take_back(self, start: int, end: int, words_only: bool = False) -> None:
        """The text from `start` to `end` was deleted (or text went in at `start`, when they are
        the same): each word learned that it reaches into is taken back (with `words_only`, not
        for its finishing space alone), those after it are no longer followed (their places
        changed), and a word just taken (not learned yet) counts against it; the characters
        inserted after that word which it deletes are gone."""
        if self.takes_back:
            for sent in self._learned.take(start, end, words_only):
                self.client.unlearn(*sent)
        taken = self._taken
        if taken is None or end <= start:
            return
        word_end = self._position - taken.trailing
        taken.trailing -= max(0, min(end, self._position) - max(start, word_end))
        if start < word_end:
            self._taken = None
            if self.active:
                self._count_against(taken.word, taken.context, taken.learn_context)

    def _restart(self) -> None:
        """Typing starts afresh here: nothing before is followed on (the words learned before
        are still taken back if deleted)."""
        self._taken = None
        self._sent = None
        self._typed = 0

    def _mark(self) -> None:
        self._position = self.editor.textCursor().position()
        self._selection = None

    @Slot(int, int, int)
    def _on_change(self, position: int, removed: int, added: int) -> None:
        """A change that is not the user's writing (a file opened, a paste, an undo, a
        continuation inserted): nothing typed so far is followed on, nothing taken is learned.
        Text deleted after the cursor (Delete) leaves what was typed before it as it was. (Where
        the cursor was before the change: an undo of a word taken deletes it before the cursor,
        which is then where the word began.)"""
        origin = self.editor.edit_origin
        if origin in (USER, GHOST):
            return
        if origin == REPLACED:  # a file opened, a new document: nothing is taken back
            self._learned.clear()
        elif origin == RANGES:  # Replace All: the words replaced, not those between them
            for start, end in reversed(self.editor.replaced_ranges):
                self._take_back(start, end, words_only=True)
        else:  # Ctrl+Backspace, an undo, a cut, a paste: a word's own letters deleted
            self._take_back(position, position + removed, words_only=True)
        deleted_after = added == 0 and position >= self._position and self._selection is None
        self._selection = None
        if not deleted_after:
            self._restart()

    @Slot()
    def _on_cursor(self) -> None:
        """The cursor moved elsewhere: a taken word is kept, and typing starts afresh; not while
        a selection is made in the text typed in a row (a cut, a delete or a Backspace of it
        takes back what it reaches into, `_take_back`)."""
        cursor = self.editor.textCursor()
        if self.editor.edit_origin in (USER, GHOST):
            return
        if cursor.hasSelection():  # nothing settled yet: a word taken may be deleted with it
            start, end = sorted((cursor.anchor(), cursor.position()))
            self._selection = (start, end)
            return
        self._selection = None
        if cursor.position() == self._position:
            return
        self._settle()
        self._restart()
        self._mark()
