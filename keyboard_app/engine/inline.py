"""Inline predictions: the rest of the word being typed, and of the next few words, when the model
is sure of them (shown in grey after the cursor; one key takes them).

The span starts from the mixture's likeliest word (so the typed prefix is kept as typed and the
offensive-word filter applies; the typed word itself when it is likeliest complete), whose confidence is its score over the probability of all that
spells the typed letters (over 1 for the next word). It is extended greedily one piece at a time on
one sequence borrowed from the pool, starting from the cells the word search already decoded for
that word: the likeliest piece that starts a new word, then its likeliest continuations until the
word's end is likelier than any continuation. A word is added while the probability of the whole
span stays at or above the threshold, and the span always ends at a word boundary.

Each call decodes at most `DECODES_PER_CALL` pieces; what it decoded stays cached for the next
keystroke, which usually has the same best word (typing its next letter), so it costs nothing and
extends the span further if it can.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.backend import Entry
from keyboard_app.engine.context import MainSequence
from keyboard_app.engine.mixer import Mixed, apostrophe_in_use, with_apostrophe
from keyboard_app.engine.sampling import log_softmax
from keyboard_app.engine.sequences import MAIN_SEQ
from keyboard_app.engine.wordfilter import offends
from keyboard_app.engine.words import (
    PieceTable,
    goes_on_in_capitals,
    in_capitals,
    in_typed_case,
    is_lone_letter,
    is_word,
)
from keyboard_app.engine.wordsearch import MAX_PIECES, WordSearch

# Chosen on held-out text (docs/engine.md, "Inline predictions"): the lowest threshold right at
# least half the times it showed there; 0.6 showed 55 in 9,000 other words, 52 of them wrong. The
# app's setting starts at it too.
DEFAULT_THRESHOLD = 0.8
MAX_WORDS = 4  # words after the current one
# Words after the current one an inline prediction must reach: the rest of the current word alone
# is the strip's first word again, which Tab or a click already takes (with its space).
MIN_WORDS = 1
DECODES_PER_CALL = 2
LogProbs = npt.NDArray[np.float32]


@dataclass
class _Path:
    """Pieces decoded after the context on the inline sequence, and the log-probabilities of the
    next piece after each prefix of them (`logps[i]` follows `pieces[:i + 1]`)."""

    context: tuple[int, ...] = ()
    pieces: list[int] = field(default_factory=list)
    logps: list[LogProbs | None] = field(default_factory=list)
    seq: int | None = None
    generation: int = -1


class InlinePredictor:
    """Owns one borrowed sequence and the path decoded on it."""

    def __init__(self, main: MainSequence, words: WordSearch, table: PieceTable) -> None:
        self._main = main
        self._words = words
        self._table = table
        self._path = _Path()
        self._budget = 0

    def predict(self, mixed: Mixed, context: list[int], threshold: float) -> str:
        """The confident continuation of the query's text ("" when unsure), given its mixture and
        the context the network was run on."""
        if not mixed.scores or not 0 < threshold <= 1:
            return ""
        # The likeliest word, the typed one included (the strip offers that one last, but here it
        # means the word is complete and the span goes on with the next words).
        first, score = max(mixed.scores.items(), key=lambda item: item[1])
        total = 1.0 if mixed.query.next_word else max(mixed.network.mass, 1e-30)
        probability = min(score / total, 1.0)
        if probability < threshold:
            return ""
        rest = first[len(mixed.query.typed.typed) :]
        if _has_digits(rest):
            return ""  # a number's digits are guessed, never sure (`between 9`: 99 and)
        pieces = self._words.spelling(first)
        if pieces is None:
            return ""  # a dictionary or document word: nothing decoded to go on from
        self._budget = DECODES_PER_CALL
        logp = self._follow(context, pieces)
        at, words = len(pieces), list[str]()
        while logp is not None and len(words) < MAX_WORDS:
            word, p, at, logp = self._next_word(at, logp, mixed.query.filter_offensive)
            if word is None or probability * p < threshold or _has_digits(word):
                break
            probability *= p
            words.append(word)
        if len(words) < MIN_WORDS:
            return ""
        return _written(mixed, rest, "".join(" " + word for word in words))

    def _follow(self, context: list[int], pieces: tuple[int, ...]) -> LogProbs | None:
        """Make the path start with `pieces` (the best word's); the log-probabilities after them,
        or None when they cannot be had within the budget."""
        path = self._valid_path(context)
        keep = 0
        while keep < min(len(pieces), len(path.pieces)) and path.pieces[keep] == pieces[keep]:
            keep += 1
        if keep == len(pieces) and path.logps[keep - 1] is not None:
            return path.logps[keep - 1]
        seq, logp = self._words.decoded(pieces)
        if seq is not None and logp is not None and path.seq is not None:
            self._adopt(path, seq, pieces, logp)  # the word search's cells: free
            return logp
        logp = None
        for at in range(keep, len(pieces)):
            logp = self._piece(at, pieces[at])
            if logp is None:
                return None
        return logp

    def _next_word(
        self, at: int, logp: LogProbs, filtered: bool
    ) -> tuple[str | None, float, int, LogProbs | None]:
        """The likeliest word after the path's first `at` pieces (greedy over pieces), its
        probability, where it ends on the path, and the log-probabilities after it; None for the
        word when it cannot be had within the budget or is not one to offer."""
        starts, continuations = self._table.space_word_starts, self._table.word_continuations
        token = int(starts[np.argmax(logp[starts])])
        probability = float(np.exp(logp[token]))
        spelled = self._table.texts[token].lstrip(" ")
        for _ in range(MAX_PIECES):
            after = self._piece(at, token)
            if after is None:
                return None, 0.0, at, None
            at += 1
            best = int(continuations[np.argmax(after[continuations])])
            ends = 1.0 - float(np.exp(after[continuations]).sum())
            if ends >= float(np.exp(after[best])):
                probability *= ends
                break
            token = best
            probability *= float(np.exp(after[best]))
            spelled += self._table.texts[best]
        else:
            return None, 0.0, at, None  # longer than any word the search offers
        if not is_word(spelled) or is_lone_letter(spelled) or (filtered and offends(spelled)):
            return None, 0.0, at, None
        return spelled, probability, at, after

    def _valid_path(self, context: list[int]) -> _Path:
        """The path, emptied when the context changed or the pool took its sequence back."""
        path = self._path
        pool = self._main.pool
        if path.generation != pool.generation or path.context != tuple(context):
            if path.seq is not None and path.generation == pool.generation:
                pool.give_back(path.seq)
            self._path = path = _Path(tuple(context), generation=pool.generation)
            path.seq = pool.borrow(MAIN_SEQ)
        return path

    def _adopt(self, path: _Path, seq: int, pieces: tuple[int, ...], logp: LogProbs) -> None:
        """Take over the word search's cells for `pieces` (decoded there already); only the
        log-probabilities after all of them are known."""
        assert path.seq is not None
        self._main.pool.reuse(path.seq, seq)
        path.pieces = list(pieces)
        path.logps = [*([None] * (len(pieces) - 1)), logp]

    def _piece(self, at: int, piece: int) -> LogProbs | None:
        """The log-probabilities after the path's first `at` pieces and `piece`: from the path when
        it has them, else decoded there (the path cut at `at`), within the budget."""
        path = self._path
        if at < len(path.pieces) and path.pieces[at] == piece:
            cached = path.logps[at]
            if cached is not None:
                return cached
        position = len(path.context) + at
        if path.seq is None or self._budget <= 0 or position >= self._main.backend.n_ctx:
            return None
        if at < len(path.pieces):
            self._main.backend.forget(path.seq, position)
            del path.pieces[at:], path.logps[at:]
        self._budget -= 1
        self._main.backend.decode([Entry(piece, position, path.seq, logits=True)])
        logp = log_softmax(self._main.backend.logits(0))
        path.pieces.append(piece)
        path.logps.append(logp)
        return logp


def _has_digits(text: str) -> bool:
    return any(char.isdigit() for char in text)


def _written(mixed: Mixed, rest: str, after: str) -> str:
    """The prediction as the strip writes its words: the rest of the typed word in the case it
    is typed in (an acronym's ending kept, MPs), the words after it each in its own case but in
    capitals, and every apostrophe the one the text uses (`mixer.apostrophe_in_use`)."""
    typed = mixed.query.typed
    head = in_typed_case(typed.typed, typed.typed + rest, mixed.everyday)[len(typed.typed) :]
    if in_capitals(typed.typed):
        text = head + after.upper()
    elif goes_on_in_capitals(typed.typed, typed.boundary):
        text = (head + after).upper()
    else:
        text = head + after
    return with_apostrophe(text, apostrophe_in_use(typed))
