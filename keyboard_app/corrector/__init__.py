"""Corrections for a mistyped word: the dictionary's words a slip or two away (found with
symspellpy's symmetric-delete index), each with how likely that slip is (`slips.py`), and the
rules for correcting on space (`autocorrect.py`). No Qt: usable from a script.

The index holds the shipped dictionary's `INDEXED_WORDS` most frequent words (`engine.lexicon`;
the corrector and the completion dictionary know the same words, and a rarer word is still never
autocorrected). Building it takes seconds of pure Python (symspellpy stores every word's deletes),
so it is built on a thread of its own, started with the corrector; until it is ready no
correction is offered. `keyboard-app bench typos` reports what it costs.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache
from itertools import islice
from typing import Any

from keyboard_app.corrector.slips import slip_probability
from keyboard_app.engine.lexicon import Lexicon

log = logging.getLogger(__name__)

# Edits searched by word length: one for short words (two edits from a 3-letter word reach
# hundreds of words), two from `TWO_EDITS_FROM` letters on.
TWO_EDITS_FROM = 5
MAX_EDITS = 2
# symspellpy indexes the deletes of each word's first PREFIX_LENGTH letters: 7 is its default;
# a longer word's slips beyond them still match through the prefix.
PREFIX_LENGTH = 7
# Candidates kept per typed word, likeliest slip times frequency first.
MAX_CANDIDATES = 8
MIN_TYPED = 2
CANDIDATE_CACHE = 2048
# Words indexed, most frequent first: building the index takes about 5 s for 40,000 (two edits,
# prefix 7) on one core, against 12 s for all 85,000; the rarer words are seldom meant.
INDEXED_WORDS = 40_000


class Corrector:
    """The words of `lexicon` that `typed` may be a slip for."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._index: Any = None
        self.build_seconds = 0.0
        self._lookup = lru_cache(maxsize=CANDIDATE_CACHE)(self._candidates)
        self._builder = threading.Thread(target=self._build, name="correction-index", daemon=True)
        self._builder.start()

    def wait_ready(self) -> None:
        """Wait until the index is built (scripts and benchmarks; the app never waits)."""
        self._builder.join()

    def candidates(self, typed: str) -> tuple[tuple[str, float], ...]:
        """Words `typed` may be a slip for (never `typed` itself), each with the probability of
        that slip; at most MAX_CANDIDATES, likeliest first (slip times frequency). Spelled as the
        dictionary spells them, with a capital first letter when `typed` has one. None while
        the index is being built."""
        if self._index is None or len(typed) < MIN_TYPED or not typed.isalpha():
            return ()
        return self._lookup(typed)

    def _build(self) -> None:
        from symspellpy import SymSpell

        start = time.perf_counter()
        index = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=PREFIX_LENGTH)
        for word, count in islice(self.lexicon.by_frequency(), INDEXED_WORDS):
            if word.isalpha():
                index.create_dictionary_entry(word.lower(), count)
        self.build_seconds = time.perf_counter() - start
        self._index = index
        log.info("Correction index: %d words in %.2f s", INDEXED_WORDS, self.build_seconds)

    def _candidates(self, typed: str) -> tuple[tuple[str, float], ...]:
        from symspellpy import Verbosity

        key = typed.lower()
        edits = MAX_EDITS if len(key) >= TWO_EDITS_FROM else 1
        found = self._index.lookup(key, Verbosity.ALL, max_edit_distance=edits)
        scored = []
        for item in found:
            if item.term == key:
                continue
            slip = slip_probability(key, item.term)
            if slip > 0.0:
                scored.append((self._spelled(item.term, typed), slip, slip * item.count))
        scored.sort(key=lambda entry: -entry[2])
        return tuple((word, slip) for word, slip, _ in scored[:MAX_CANDIDATES])

    def _spelled(self, key: str, typed: str) -> str:
        word = self.lexicon.spelling(key)
        return word[:1].upper() + word[1:] if typed[:1].isupper() else word
