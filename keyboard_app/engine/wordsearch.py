"""Whole-word suggestions: a best-first search over pieces, batched on candidate sequences.

The first piece is constrained to the typed letters (token healing); each candidate is extended until
the model's next piece starts a new word. A word's probability is the product of its pieces'
probabilities times the probability that the word ends there (the next piece does not continue it),
so "help" is not confused with "helpful".

A candidate's probability so far bounds every word that starts with it, so the search decodes
candidates best bound first and stops as soon as no bound left can beat the k-th word found: most
keystrokes decode a handful of pieces at most. Candidates that must be decoded together go in one
batch, each on its own sequence that shares the context's cells. Within a word the context does not
change (token healing stops it at the word boundary), so what was decoded for one keystroke (the
pieces' distributions and their cells) is reused by the next.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.backend import Entry
from keyboard_app.engine.context import MainSequence
from keyboard_app.engine.knowledge import Knowledge, Memo
from keyboard_app.engine.sampling import log_softmax
from keyboard_app.engine.sequences import MAIN_SEQ
from keyboard_app.engine.wordfilter import is_offensive
from keyboard_app.engine.words import (
    PieceTable,
    TypedWord,
    is_lone_letter,
    is_word,
    last_line,
    starts_sentence,
    text_in_capitals,
)

MAX_PIECES = 3  # pieces per word: longer words are rare and are typed on by then
FIRST_CANDIDATES = 12  # first pieces considered per keystroke
BRANCHING = 3  # continuations considered per candidate
SEQUENCES = 12  # candidate sequences kept in the cache (borrowed from the pool)
MEMO_LIMIT = 256  # decoded candidates remembered for one context
# Candidates decoded per keystroke: one (the others are estimated until the next keystroke decodes
# them; the memo keeps what was decoded). On a CPU a batch costs about a decode per row, so two
# for the next word made the keystroke after a space the slowest. The next word's budget was 2
# until a keystroke's cost was measured against it: on the first 1,500 held-out words, KSR 0.4738
# with 1 against 0.4742 with 2 (3 keystrokes of 4,680), top-3 next word 0.2967 against 0.2987.
NEXT_WORD_BUDGET = 1
COMPLETION_BUDGET = 1
UNLIMITED = 1 << 30
DEFAULT_END = 0.5  # a word's chance of ending after a piece never decoded yet
TYPED_WORD_SHARE = 0.02  # words less likely than this share of the typed word come after it
# A capital typed where no sentence starts, after a word in small letters, starts a name (`the S`:
# San, not Same): a first piece in small letters keeps this share of its probability (`_cased`).
# After a word with a capital it may be the next word of a name or a title (Gala Concert, "Over
# The Rainbow"), and nothing is demoted. Chosen on `bench ksr`'s first 3,000 held-out words
# (9,175 keystrokes; 0.3: 9,150, 0.1: 9,140, 0.03: 9,133), checked on the words 6,000 to 9,000
# (8,342 against 8,308).
SMALL_AFTER_CAPITAL = 0.03
_LAST_WORD = re.compile(r"(\w[\w'’-]*)\W*$")


@dataclass(frozen=True, order=True)
class Candidate:
    cost: float  # -log-probability of the pieces so far: the heap's order
    pieces: tuple[int, ...] = field(compare=False)
    spelled: str = field(compare=False)  # the candidate's text so far, lead space removed
    remaining: str = field(compare=False)  # typed letters not yet covered by the pieces

    @property
    def probability(self) -> float:
        return math.exp(-self.cost)


@dataclass(frozen=True)
class Found:
    words: dict[str, float]  # whole words and their probabilities (more than the k best)
    prefix_mass: float  # the probability of all first pieces that spell the typed letters


class BestFirst:
    """The best-first search over what is decoded (`_memo`), and the estimates for the rest;
    `WordSearch` adds the decoding, `engine.instant.InstantSearch` answers without it."""

    def __init__(self, table: PieceTable) -> None:
        self.table = table
        self._memo: Memo = {}
        self._ends: dict[tuple[int, ...], float] = {}  # chance that the word ends after the pieces
        # Each word found for this context: its likeliest spelling in pieces, and that one's probability.
        self._spellings: dict[str, tuple[float, tuple[int, ...]]] = {}
        self._token_ends: dict[int, float] = {}  # last measured end chance per piece (any context)

    def _best_first(
        self,
        logp: npt.NDArray[np.floating],
        typed: TypedWord,
        k: int,
        filter_offensive: bool,
        budget: int,
        decode: Callable[[list[Candidate]], None],
        superseded: Callable[[], bool] | None = None,
    ) -> Found:
        """Candidates best bound first from the distribution `logp`; `decode` is given each batch
        not decoded yet, within `budget` candidates (none once `superseded` says so); the rest is
        estimated."""
        found: dict[str, float] = {}
        ids = self.table.first_pieces(typed.prefix)
        logp = self._cased(logp, ids, typed)
        heap = self._extend(Candidate(0.0, (), "", typed.prefix), ids, logp, FIRST_CANDIDATES)
        heapq.heapify(heap)

        budgeted = budget < UNLIMITED

        def left() -> int:
            return 0 if superseded is not None and superseded() else budget

        while batch := self._next_batch(heap, found, typed, k, left(), budgeted):
            todo = [c for c in batch if c.pieces not in self._memo]
            budget -= len(todo)
            decode(todo)
            for candidate in batch:
                self._visit(candidate, heap, typed, found, filter_offensive)
        self._estimate_rest(heap, typed, found, k, filter_offensive)
        return Found(found, float(np.exp(logp[ids]).sum()) if ids.size else 0.0)

    def _cased(
        self, logp: npt.NDArray[np.floating], ids: npt.NDArray[np.int64], typed: TypedWord
    ) -> npt.NDArray[np.floating]:
        """`logp` with the first pieces in small letters demoted (`SMALL_AFTER_CAPITAL`) when the
        word is typed with a capital first and small letters after it where no sentence starts,
        after a word in small letters (or a number) on its line."""
        word = typed.typed
        if not word[:1].isupper() or word[1:] != word[1:].lower():
            return logp
        line = last_line(typed.boundary[-60:])
        last = _LAST_WORD.search(line)
        if last is None or last.group(1)[:1].isupper():
            return logp  # a line's first word (a list's item: `- Mil`), or a name's next
        if starts_sentence(typed.boundary) or text_in_capitals(typed.boundary):
            return logp
        small = self.table.starts_small[ids]
        if not small.any():
            return logp
        cased: npt.NDArray[np.floating] = logp.copy()
        cased[ids[small]] += math.log(SMALL_AFTER_CAPITAL)
        return cased

    def _extend(
        self,
        parent: Candidate,
        ids: npt.NDArray[np.int64],
        logp: npt.NDArray[np.floating],
        limit: int,
    ) -> list[Candidate]:
        if ids.size == 0:
            return []
        remaining = parent.remaining.lstrip(" ")
        children = []
        for token in _top(ids, logp, limit):
            text = self.table.texts[token]
            text = text if parent.pieces else text.lstrip(" ")
            children.append(
                Candidate(
                    parent.cost - float(logp[token]),
                    (*parent.pieces, int(token)),
                    parent.spelled + text,
                    remaining[len(text) :] if len(text) < len(remaining) else "",
                )
            )
        return children

    def _next_batch(
        self,
        heap: list[Candidate],
        found: dict[str, float],
        typed: TypedWord,
        k: int,
        budget: int,
        budgeted: bool,
    ) -> list[Candidate]:
        """The candidates to visit next: as many of the best as there are places still open among
        the k, decoded in one batch where they are not yet. Within a budget, a decoded best one is
        visited alone (free), and a batch stops at a decoded one. Without a budget (an exact
        search) what is decoded already makes no difference, so that an exact search after other
        keystrokes visits the same candidates, and gives the same words, as on a fresh model."""
        floor = _kth(found, k, typed.typed)  # `found` does not change while the batch is chosen
        if not heap or heap[0].probability <= floor:
            return []
        if budgeted and heap[0].pieces in self._memo:
            return [heapq.heappop(heap)]
        certain = sum(p >= heap[0].probability for w, p in found.items() if w != typed.typed)
        places = min(k - certain, budget, SEQUENCES // 2)
        batch: list[Candidate] = []
        while heap and len(batch) < places and heap[0].probability > floor:
            if budgeted and heap[0].pieces in self._memo:
                break
            batch.append(heapq.heappop(heap))
        return batch

    def _estimate_rest(
        self,
        heap: list[Candidate],
        typed: TypedWord,
        found: dict[str, float],
        k: int,
        filter_offensive: bool,
    ) -> None:
        """Out of budget: a decoded candidate is visited as before, and the others that spell a
        whole word still count, their chance of ending there estimated from what the same last
        piece did elsewhere (the next keystroke decodes them)."""
        while heap and heap[0].probability > _kth(found, k, typed.typed):
            candidate = heapq.heappop(heap)
            if candidate.pieces in self._memo:
                self._visit(candidate, heap, typed, found, filter_offensive)
            elif not candidate.remaining:
                ends = self._token_ends.get(candidate.pieces[-1], DEFAULT_END)
                self._record(candidate, typed, found, filter_offensive, ends)

    def _visit(
        self,
        candidate: Candidate,
        heap: list[Candidate],
        typed: TypedWord,
        found: dict[str, float],
        filter_offensive: bool,
    ) -> None:
        """Count the candidate as a word if it spells all that was typed, and queue its continuations."""
        if not candidate.remaining:
            self._record(candidate, typed, found, filter_offensive)
        if len(candidate.pieces) < MAX_PIECES:
            ids = self.table.next_pieces(candidate.remaining)
            logp = self._memo[candidate.pieces]
            for child in self._extend(candidate, ids, logp, BRANCHING):
                heapq.heappush(heap, child)

    def _record(
        self,
        candidate: Candidate,
        typed: TypedWord,
        found: dict[str, float],
        filter_offensive: bool,
        ends: float | None = None,
    ) -> None:
        """Count `candidate` as a finished word, weighted by the chance that it ends here."""
        word = typed.typed + candidate.spelled[len(typed.typed) :]
        if not is_word(word) or _lone_letter(word, typed.typed):
            return
        if filter_offensive and is_offensive(word) and word.lower() != typed.typed.lower():
            return
        ends = self._ends[candidate.pieces] if ends is None else ends
        found[word] = found.get(word, 0.0) + candidate.probability * max(ends, 0.0)
        best = self._spellings.get(word)
        if best is None or candidate.probability > best[0]:
            self._spellings[word] = (candidate.probability, candidate.pieces)


class WordSearch(BestFirst):
    """Finds the likeliest whole words after one evaluated context."""

    def __init__(self, main: MainSequence, table: PieceTable) -> None:
        super().__init__(table)
        self.main = main
        self.backend = main.backend
        self.pool = main.pool
        self._context: tuple[int, ...] = ()
        self._logp: npt.NDArray[np.floating] = np.zeros(0)  # after the context
        self._logits: npt.NDArray[np.float32] | None = None  # what `_logp` was made from
        # Candidates whose cells are in the cache, least recently used first, with their sequence.
        self._cached: OrderedDict[tuple[int, ...], int] = OrderedDict()
        self._generation = self.pool.generation
        self._rough = False  # whether any row in the memo is approximate (`backend.approximate`)

    def search(
        self,
        context: list[int],
        logits: npt.NDArray[np.float32],
        typed: TypedWord,
        k: int,
        filter_offensive: bool,
        exact: bool = False,
        superseded: Callable[[], bool] | None = None,
    ) -> Found:
        """The `k` likeliest words completing `typed` after `context` (whose logits are given).

        Each call decodes a few candidates at most (one keystroke's worth), none once `superseded`
        says that a newer request waits; what it could not decode yet is estimated, and a later
        call on the same context goes on from there. With `exact`, it decodes everything the
        ranking depends on, each row the model's own distribution (`Entry.exact`: what was decoded
        approximately before is decoded again)."""
        self.begin(context, logits)
        if exact and self._rough:
            self._forget_candidates()
        budget = UNLIMITED if exact else COMPLETION_BUDGET if typed.typed else NEXT_WORD_BUDGET
        return self._best_first(
            self._logp,
            typed,
            k,
            filter_offensive,
            budget,
            lambda todo: self._decode(context, todo, exact),
            superseded,
        )

    def begin(self, context: list[int], logits: npt.NDArray[np.float32]) -> bool:
        """Search after `context` (whose logits are given) from now on; True when that is new (the
        knowledge then has a new context's distribution to publish)."""
        if tuple(context) == self._context and logits is self._logits and not self._full():
            return False
        self._sync(context)
        self._logits = logits
        self._logp = log_softmax(logits)
        return True

    def knowledge(self) -> Knowledge:
        """A frozen copy of what is decoded for the current context (cheap: the arrays are shared,
        never changed once made)."""
        return Knowledge(
            self._context, self._logp, dict(self._memo), dict(self._ends), dict(self._token_ends)
        )

    def decode_ahead(self, pieces: tuple[int, ...], width: int, marks: int = 0) -> int:
        """Work ahead for the word `pieces` (a candidate of the current context): decode it if it
        is not yet (its cells are then the next context's, `adopt`), else the `width` likeliest
        pieces that start a next word after it and the `marks` likeliest punctuation marks (a
        comma or a full stop typed after the word is then free too), in one batch. Returns the
        candidates decoded (0: nothing left to do for it)."""
        if pieces not in self._memo:
            todo = [pieces]
        else:
            logp = self._memo[pieces]
            best = [*_top(np.flatnonzero(self.table.spaced), logp, width)]
            best += [*_top(self.table.marks, logp, marks)] if marks else []
            todo = [(*pieces, int(t)) for t in best if (*pieces, int(t)) not in self._memo]
        self._decode(list(self._context), [Candidate(0.0, p, "", "") for p in todo])
        return len(todo)

    def adopt(self, context: list[int]) -> None:
        """Hand the main sequence the cells of a candidate the user has since typed out: when a word
        is finished, its pieces were usually decoded as a candidate while it was being typed."""
        base = len(self._context)
        live = self._live()
        if (
            not base
            or self.main.tokens != list(self._context)
            or context[:base] != self.main.tokens
        ):
            return
        for end in range(len(context), base, -1):
            pieces = tuple(context[base:end])
            if pieces in live and pieces in self._memo:
                self.main.adopt(context[:end], live[pieces], self._memo[pieces])
                return

    def spelling(self, word: str) -> tuple[int, ...] | None:
        """The pieces of the likeliest spelling of `word` found for the current context."""
        best = self._spellings.get(word)
        return None if best is None else best[1]

    def decoded(self, pieces: tuple[int, ...]) -> tuple[int | None, npt.NDArray[np.float32] | None]:
        """For a candidate of the current context: the sequence holding its cells (None when not
        in the cache) and the log-probabilities after its last piece (None when not decoded)."""
        return self._live().get(pieces), self._memo.get(pieces)

    def _live(self) -> OrderedDict[tuple[int, ...], int]:
        """The candidates whose cells are still in the cache: none once the pool has taken its
        sequences back (the main sequence changed, or the alternatives needed them)."""
        if self._generation != self.pool.generation:
            self._cached.clear()
            self._generation = self.pool.generation
        return self._cached

    def _sync(self, context: list[int]) -> None:
        """Start afresh for a new context (the pool has taken the candidates' sequences back),
        keeping what was decoded after a candidate the new context ends with (a word typed out,
        and what the prefetch decoded after it)."""
        if tuple(context) != self._context or self._full():
            kept = None if self._full() else self.knowledge().rooted(context)
            rough = self._rough
            self._context = tuple(context)
            self._forget_candidates()
            if kept is not None:
                self._memo, self._ends, self._rough = dict(kept.memo), dict(kept.ends), rough

    def _forget_candidates(self) -> None:
        """Forget every candidate decoded after the context: its row and its cells."""
        self._memo, self._ends, self._spellings, self._rough = {}, {}, {}, False
        for seq in self._live().values():
            self.pool.give_back(seq)
        self._cached.clear()

    def _decode(self, context: list[int], todo: list[Candidate], exact: bool = False) -> None:
        """Decode the candidates in one batch, one sequence each (`exact`: as `Entry`'s). A
        candidate whose parent's cells are in the cache copies them (free in a unified cache) and
        decodes one token, not its path."""
        if not todo:
            return
        entries: list[Entry] = []
        keep = {c.pieces[:-1] for c in todo}
        live = self._live()
        for candidate in todo:
            pieces = candidate.pieces
            parent = live.get(pieces[:-1])
            if parent is not None:
                live.move_to_end(pieces[:-1])
            seq = self._sequence(MAIN_SEQ if parent is None else parent, keep)
            start = 0 if parent is None else len(pieces) - 1
            for pos in range(start, len(pieces)):
                last = pos == len(pieces) - 1
                entries.append(
                    Entry(pieces[pos], len(context) + pos, seq, logits=last, exact=exact)
                )
            live[pieces] = seq
        self.backend.decode(entries)
        self._rough = self._rough or (self.backend.approximate and not exact)
        rows = [i for i, entry in enumerate(entries) if entry.logits]
        for candidate, row in zip(todo, rows, strict=True):
            logp = log_softmax(self.backend.logits(row))
            ends = 1.0 - float(np.exp(logp[self.table.word_continuations]).sum())
            self._ends[candidate.pieces] = ends
            self._token_ends[candidate.pieces[-1]] = ends
            self._memo[candidate.pieces] = logp

    def _full(self) -> bool:
        """Too many candidates remembered for one context: start afresh."""
        return len(self._memo) > MEMO_LIMIT

    def _sequence(self, source: int, keep: set[tuple[int, ...]]) -> int:
        """A sequence holding a copy of `source`'s cells (the context, or a candidate's parent):
        a new one from the pool, or, with `SEQUENCES` in use or none left, the least recently used
        candidate's that is not in `keep`."""
        live = self._live()
        seq = self.pool.borrow(source) if len(live) < SEQUENCES else None
        if seq is None:
            victim = next(pieces for pieces in live if pieces not in keep)
            seq = live.pop(victim)
            self.pool.reuse(seq, source)
        return seq


def rank(
    scores: dict[str, float], typed: str, k: int, typed_first: bool = False
) -> list[tuple[str, float]]:
    """The `k` best words, best first; but what the user has already typed goes after the words
    not much less likely than it (offering it back saves a space at most), before the others;
    first with `typed_first` (an acronym: EUR, not EUROPEAN). A score that is not a number (a
    model whose weights hold NaN) is never offered."""
    typed_probability = scores.get(typed)

    def key(item: tuple[str, float]) -> tuple[int, float]:
        word, probability = item
        if typed_probability is None:
            return (0, -probability)
        if word == typed:
            return (-1 if typed_first else 1, 0.0)
        return (0 if probability >= typed_probability * TYPED_WORD_SHARE else 2, -probability)

    finite = [(word, p) for word, p in scores.items() if math.isfinite(p)]  # a broken model's NaN
    return sorted(finite, key=key)[:k]


def _lone_letter(word: str, typed: str) -> bool:
    """A single letter not worth suggesting (the letter the user typed is always kept)."""
    return is_lone_letter(word) and word != typed


def _kth(found: dict[str, float], k: int, typed: str) -> float:
    """The k-th best probability found so far (0 while fewer than k words are found), not counting
    the typed word itself (it is offered last)."""
    values = sorted((p for word, p in found.items() if word != typed), reverse=True)
    return values[k - 1] if len(values) >= k else 0.0


def _top(
    ids: npt.NDArray[np.int64], logp: npt.NDArray[np.floating], limit: int
) -> npt.NDArray[np.int64]:
    """The `limit` ids of highest log-probability, best first (partial sort: this runs per keystroke)."""
    scores = logp[ids]
    if ids.size > limit:
        keep = np.argpartition(-scores, limit - 1)[:limit]
        ids, scores = ids[keep], scores[keep]
    return ids[np.argsort(-scores, kind="stable")]
