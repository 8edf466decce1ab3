"""Counting runs of tokens into word, bigram and trigram counts, before they go to the database.

A run that starts a paragraph begins with `BOUNDARY`. The word trigram model reads a paragraph's
start as the history (<s>, <s>); here its first word is counted once, after (<s>), and the
trigram level of that history is answered from it (see `history_levels`), rather than keeping
(<s>, <s>, word) beside (<s>, word) with the same count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from keyboard_app.engine.trigrams import BOUNDARY
from keyboard_app.engine.words import in_capitals, is_word
from keyboard_app.personal.schema import SEPARATOR, join_history

SENTENCE_ENDS = frozenset(".!?")


@dataclass
class Spelling:
    """How a word (one lower-cased key) was written in a batch, and how often."""

    word: str
    count: int = 0
    mid_sentence: bool = False  # seen inside a sentence, where its case is its own


@dataclass
class Tally:
    """The counts of a batch of runs: words by key, n-grams by (history, next)."""

    words: dict[str, Spelling] = field(default_factory=dict)
    ngrams: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add_run(self, tokens: Sequence[str], skip: int = 0) -> None:
        """Count `tokens`; the first `skip` are history only (counted already), so only words and
        n-grams ending after them are counted."""
        _check_tokens(tokens)
        for i in range(max(skip, 0), len(tokens)):
            token = tokens[i]
            if token == BOUNDARY:
                continue
            previous = tokens[i - 1] if i > 0 else None
            if is_word(token):
                self._add_word(token, previous)
            if previous is not None:
                self.ngrams[(previous, token)] += 1
            if i >= 2:
                self.ngrams[(join_history(tokens[i - 2 : i]), token)] += 1

    def _add_word(self, token: str, previous: str | None) -> None:
        """Count `token`; its spelling is the word's own inside a sentence and not in capitals
        throughout ("The" at a sentence's start says nothing of how "the" is spelled, nor
        NALEDI in a line typed with Caps Lock of how Naledi is, nor "Standup" after a comma,
        which may end the line before: `Hi Ann,` and the e-mail's first sentence)."""
        sentence_start = previous in (BOUNDARY, ",") or previous in SENTENCE_ENDS
        spelling = self.words.setdefault(token.lower(), Spelling(token))
        spelling.count += 1
        if not sentence_start and not in_capitals(token):
            spelling.word = token
            spelling.mid_sentence = True

    @property
    def words_counted(self) -> int:
        return sum(spelling.count for spelling in self.words.values())

    def __bool__(self) -> bool:
        return bool(self.words or self.ngrams)


PARAGRAPH_START = (BOUNDARY, BOUNDARY)


def history_levels(history: Sequence[str]) -> list[tuple[str, ...]]:
    """The bigram and trigram histories at the end of `history` (its last one and two tokens),
    those it is long enough for. (<s>, <s>) is no trigram history of the store's: at a
    paragraph's start only the bigram level (<s>) is stored, and answers for both."""
    tokens = tuple(history)
    return [tokens[-n:] for n in (1, 2) if len(tokens) >= n and tokens[-n:] != PARAGRAPH_START]


def _check_tokens(tokens: Sequence[str]) -> None:
    for i, token in enumerate(tokens):
        if not token or SEPARATOR in token or (token == BOUNDARY and i > 0):
            raise ValueError(f"not a token to learn: {token!r} at {i} in {list(tokens)!r}")
