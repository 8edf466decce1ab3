"""Whole-word suggestions: a small beam search over pieces, batched on candidate sequences.

The first piece is constrained to the typed letters (token healing); each candidate is extended until
the model's next piece starts a new word. A word's probability is the product of its pieces'
probabilities times the probability that the word ends there (the next piece does not continue it),
so "help" is not confused with "helpful". All candidates of one step are decoded in one batch, each
on its own sequence that shares the context's cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.backend import Entry, LlamaBackend
from keyboard_app.engine.context import MAIN_SEQ
from keyboard_app.engine.sampling import log_softmax
from keyboard_app.engine.wordfilter import is_offensive
from keyboard_app.engine.words import PieceTable, TypedWord, is_word

BEAM_WIDTH = 6
MAX_STEPS = 3
BRANCHING = 3
MEMO_LIMIT = 256


@dataclass(frozen=True)
class Candidate:
    pieces: tuple[int, ...]
    spelled: str  # the candidate's text so far, lead space removed
    remaining: str  # typed letters not yet covered by the pieces
    logp: float


@dataclass(frozen=True)
class WordScore:
    word: str
    probability: float


class WordSearch:
    """Finds the likeliest whole words after one evaluated context."""

    def __init__(self, backend: LlamaBackend, table: PieceTable) -> None:
        self.backend = backend
        self.table = table
        self._memo: dict[tuple[int, ...], npt.NDArray[np.float32]] = {}
        self._memo_context: tuple[int, ...] = ()
        self._ends: dict[tuple[int, ...], float] = {}  # chance that the word ends after the pieces
        self._live: dict[tuple[int, ...], int] = {}  # candidates whose cells are in the cache

    def search(
        self,
        context: list[int],
        logits: npt.NDArray[np.float32],
        typed: TypedWord,
        k: int,
        filter_offensive: bool,
    ) -> list[WordScore]:
        """The `k` likeliest words completing `typed` after `context` (whose logits are given)."""
        if tuple(context) != self._memo_context or len(self._memo) > MEMO_LIMIT:
            self._memo, self._ends, self._memo_context = {}, {}, tuple(context)
        found: dict[str, float] = {}
        frontier = self._first_candidates(log_softmax(logits), typed)
        try:
            for step in range(MAX_STEPS):
                frontier = self._prune(frontier, found, k)
                if not frontier:
                    break
                self._expand(context, frontier, step)
                frontier = self._step(frontier, typed, found, filter_offensive)
        finally:
            self._release()
        # What the user has already typed goes last: offering it back saves at most a space.
        ranked = sorted(found.items(), key=lambda item: (item[0] == typed.typed, -item[1]))
        return [WordScore(word, probability) for word, probability in ranked[:k]]

    def _first_candidates(
        self, logp: npt.NDArray[np.floating], typed: TypedWord
    ) -> list[Candidate]:
        ids = self.table.first_pieces(typed.prefix)
        return self._extend(Candidate((), "", typed.prefix, 0.0), ids, logp, BEAM_WIDTH * 2)

    def _extend(
        self,
        parent: Candidate,
        ids: npt.NDArray[np.int64],
        logp: npt.NDArray[np.floating],
        limit: int,
    ) -> list[Candidate]:
        if ids.size == 0:
            return []
        best = _top(ids, logp, limit)
        children = []
        remaining = parent.remaining.lstrip(" ")
        for token in best:
            text = self.table.texts[token]
            text = text if parent.pieces else text.lstrip(" ")
            children.append(
                Candidate(
                    (*parent.pieces, int(token)),
                    parent.spelled + text,
                    remaining[len(text) :] if len(text) < len(remaining) else "",
                    parent.logp + float(logp[token]),
                )
            )
        return children

    @staticmethod
    def _prune(frontier: list[Candidate], found: dict[str, float], k: int) -> list[Candidate]:
        """Keep the best candidates that could still beat the k-th word found so far."""
        floor = sorted(found.values(), reverse=True)[k - 1] if len(found) >= k else 0.0
        alive = [c for c in frontier if math.exp(c.logp) > floor]
        return sorted(alive, key=lambda c: -c.logp)[:BEAM_WIDTH]

    def _expand(self, context: list[int], frontier: list[Candidate], step: int) -> None:
        """Decode every candidate not seen yet, in one batch, one sequence per candidate.

        Sequences come in two banks used in turn, so a candidate's parent is still in the cache: the
        child copies the parent's cells (free in a unified cache) and decodes one token, not its path.
        """
        todo = [c.pieces for c in frontier if c.pieces not in self._memo]
        if not todo:
            return
        bank = [1 + (step % 2) * BEAM_WIDTH + i for i in range(BEAM_WIDTH)]
        entries: list[Entry] = []
        for seq, pieces in zip(bank, todo, strict=False):
            self.backend.forget(seq)
            start = self._attach(seq, pieces)
            for pos in range(start, len(pieces)):
                last = pos == len(pieces) - 1
                entries.append(Entry(pieces[pos], len(context) + pos, seq, logits=last))
            self._live[pieces] = seq
        self.backend.decode(entries)
        rows = [i for i, entry in enumerate(entries) if entry.logits]
        for pieces, row in zip(todo, rows, strict=True):
            logp = log_softmax(self.backend.logits(row))
            self._ends[pieces] = 1.0 - float(np.exp(logp[self.table.word_continuations]).sum())
            self._memo[pieces] = logp.astype(np.float32)

    def _attach(self, seq: int, pieces: tuple[int, ...]) -> int:
        """Give `seq` the context and as much of `pieces` as is cached; return what is left to decode."""
        parent = self._live.get(pieces[:-1])
        if parent is not None and parent != seq:
            self.backend.share(parent, seq)
            return len(pieces) - 1
        self.backend.share(MAIN_SEQ, seq)
        return 0

    def _release(self) -> None:
        for seq in range(1, 1 + 2 * BEAM_WIDTH):
            self.backend.forget(seq)
        self._live.clear()

    def _step(
        self,
        frontier: list[Candidate],
        typed: TypedWord,
        found: dict[str, float],
        filter_offensive: bool,
    ) -> list[Candidate]:
        children: list[Candidate] = []
        for candidate in frontier:
            logp = self._memo[candidate.pieces]
            if not candidate.remaining:
                self._record(candidate, logp, typed, found, filter_offensive)
            ids = self.table.next_pieces(candidate.remaining)
            children.extend(self._extend(candidate, ids, logp, BRANCHING))
        return children

    def _record(
        self,
        candidate: Candidate,
        logp: npt.NDArray[np.float32],
        typed: TypedWord,
        found: dict[str, float],
        filter_offensive: bool,
    ) -> None:
        """Count `candidate` as a finished word, weighted by the chance that it ends here."""
        word = typed.typed + candidate.spelled[len(typed.typed) :]
        if not is_word(word):
            return
        if filter_offensive and is_offensive(word) and word.lower() != typed.typed.lower():
            return
        ends = self._ends[candidate.pieces]
        found[word] = found.get(word, 0.0) + math.exp(candidate.logp) * max(ends, 0.0)


def _top(
    ids: npt.NDArray[np.int64], logp: npt.NDArray[np.floating], limit: int
) -> npt.NDArray[np.int64]:
    """The `limit` ids of highest log-probability, best first (partial sort: this runs per keystroke)."""
    scores = logp[ids]
    if ids.size > limit:
        keep = np.argpartition(-scores, limit - 1)[:limit]
        ids, scores = ids[keep], scores[keep]
    return ids[np.argsort(-scores, kind="stable")]
