"""What was learned of the text typed in a row, by where it lies in the document: what deleting
that text takes back (`Learner`).

Typing only adds at the cursor, so the places of the words finished before it stay put while the
run goes on; anything else (a paste, an undo, the cursor moved) ends the run, and the record with
it. Undo deletes a typed word at a time (`Editor._insert_as_step`), but other deletions span words
(a selection deleted, cut or typed over), so each word learned in the run is kept, up to `MAX_KEPT`
(a deletion deeper than that takes back the newest).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

MAX_KEPT = 2000
# What was sent to learn a chunk: its text and the context sent with it (`Predictor.learn`).
Sent = tuple[str, str]


@dataclass(frozen=True)
class _Chunk:
    start: int  # the document position of its first character
    end: int  # just after the whitespace that finished it (its word's end, once that is gone)
    sent: Sent
    word_end: int  # just after its last letter or mark


class LearnedRun:
    def __init__(self) -> None:
        self._chunks: deque[_Chunk] = deque(maxlen=MAX_KEPT)

    def add(self, start: int, end: int, sent: Sent) -> None:
        """A chunk from `start` to `end` (its finishing whitespace, one character, included) was
        learned."""
        self._chunks.append(_Chunk(start, end, sent, word_end=end - 1))

    def take(self, start: int, end: int, words_only: bool = False) -> list[Sent]:
        """What was sent for the chunks that the text from `start` to `end` reaches into (it was
        deleted), forgotten with those after it (whose places it changed), newest first. With
        `words_only`, a chunk's finishing whitespace alone does not count (an undo of what was
        typed after a word may begin with the space that finished it): the chunk is kept, its
        word where it was, for a deletion of its letters to take back."""
        taken = []
        kept = None
        while self._chunks and self._chunks[-1].end > start:
            chunk = self._chunks.pop()
            if chunk.start >= end:
                continue
            if words_only and chunk.word_end <= start:
                kept = replace(chunk, end=chunk.word_end)
            else:
                taken.append(chunk.sent)
        if kept is not None:
            self._chunks.append(kept)
        return taken

    def clear(self) -> None:
        self._chunks.clear()
