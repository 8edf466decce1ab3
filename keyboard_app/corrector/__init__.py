"""Corrections for a mistyped word: the dictionary's words a slip or two away (found with
symspellpy's symmetric-delete index), each with how likely that slip is (`slips.py`), and the
rules for correcting on space (`autocorrect.py`). No Qt: usable from a script.

While the word is still being typed, a slip shows as letters that no word starts with
("recie"): then the corrector also offers the completions of the letters one slip back
("recei": receive, received), so that the strip offers the word before it is typed out.
symspellpy matches whole words only; these are found by undoing each possible slip
(`slips.one_slip_back`, a few hundred strings) and looking each up as a prefix of the dictionary.

The index holds the shipped dictionary's `INDEXED_WORDS` most frequent words (`engine.lexicon`;
the corrector and the completion dictionary know the same words, and a rarer word is still never
autocorrected). Building it takes seconds of pure Python (symspellpy stores every word's deletes),
so it is built on a thread of its own, started with the corrector; until it is ready no
correction is offered. `keyboard-app bench typos` reports what it costs.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from functools import lru_cache
from itertools import islice
from typing import Any

from keyboard_app.corrector.misspellings import listed_correction
from keyboard_app.corrector.slips import MOST_LIKELY_SLIP, one_slip_back, slip_probability
from keyboard_app.engine import longlived
from keyboard_app.engine.lexicon import Lexicon

log = logging.getLogger(__name__)

# Edits searched: one; from `TWO_EDITS_FROM` letters on, two when no word is one edit away (two
# edits from a 3-letter word reach hundreds of words).
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
# prefix 7) on one core, against 12 s for 85,000 (the whole list when measured; 93,930 now); the
# rarer words are seldom meant.
INDEXED_WORDS = 40_000
# Completions of a slip: from this many typed letters, the most frequent few per prefix.
SLIP_COMPLETIONS_FROM = 3
COMPLETIONS_PER_PREFIX = 2
# The probability of a habit more than a slip: a contraction typed without its apostrophe (dont,
# im, youre), a word misspelled as people commonly do (definetly, seperate: `misspellings.py`);
# five times the likeliest slip (not tuned: the benchmark's slips make neither).
HABIT = 5 * MOST_LIKELY_SLIP
# The pronoun typed in lower case is a slip for I (the index holds words of two letters or more).
_PRONOUN = (("I", 1.0),)


def _bound(item: Any) -> float:
    """The most a symspellpy suggestion can score: each of its edits the likeliest slip."""
    return float(MOST_LIKELY_SLIP**item.distance * item.count)


def _first_desc(entry: tuple[float, str, float]) -> float:
    return -entry[0]


def without_apostrophes(word: str) -> str:
    """`word`'s letters alone (don't and the curly one: dont)."""
    return word.replace("'", "").replace("’", "")


def _is_contraction(word: str) -> bool:
    """One apostrophe inside letters (don't, I'm, either mark)."""
    letters = without_apostrophes(word)
    return len(letters) == len(word) - 1 and letters.isalpha() and word[0] not in "'’"


class Corrector:
    """The words of `lexicon` that `typed` may be a slip for."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._index: Any = None
        # Contractions by their letters ("dont": don't, 1584893) where those are no word.
        self._contractions: dict[str, tuple[str, int]] = {}
        # The words indexed, read now (a sort of the dictionary's counts, some 30 ms, kept by
        # the dictionary for its common words too)
        indexed = list(islice(lexicon.by_frequency(), INDEXED_WORDS))
        self.build_seconds = 0.0
        self._lookup = lru_cache(maxsize=CANDIDATE_CACHE)(self._candidates)
        self._complete = lru_cache(maxsize=CANDIDATE_CACHE)(self._slip_completions)
        self._builder = threading.Thread(
            target=self._build, args=(indexed,), name="correction-index", daemon=True
        )
        self._builder.start()

    @property
    def ready(self) -> bool:
        """Whether the index is built (until then no correction is offered)."""
        return self._index is not None

    def wait_ready(self) -> None:
        """Wait until the index is built (scripts and benchmarks; the app never waits)."""
        self._builder.join()

    def candidates(self, typed: str) -> tuple[tuple[str, float], ...]:
        """Words `typed` may be a slip for (never `typed` itself), each with the probability of
        that slip; at most MAX_CANDIDATES, likeliest first (slip times frequency). Spelled as the
        dictionary spells them, with a capital first letter when `typed` has one. None while
        the index is being built."""
        if self._index is None or not typed.isalpha():
            return ()
        if typed == "i":
            return _PRONOUN
        return self._lookup(typed) if len(typed) >= MIN_TYPED else ()

    def completions(self, typed: str) -> tuple[tuple[str, float], ...]:
        """When no word starts with the letters `typed`: the words that start with the letters
        one slip back (or that word, when they are one), each with that slip's probability; at
        most MAX_CANDIDATES, likeliest first (slip times frequency), spelled as `candidates`
        spells them. () otherwise."""
        if len(typed) < SLIP_COMPLETIONS_FROM or not typed.isalpha():
            return ()
        if self.lexicon.starts_a_word(typed):
            return ()
        return self._complete(typed)

    def _slip_completions(self, typed: str) -> tuple[tuple[str, float], ...]:
        key, lexicon = typed.lower(), self.lexicon
        slips: dict[str, float] = {}
        for meant, slip in one_slip_back(key):
            slips[meant] = max(slips.get(meant, 0.0), slip)
        scored: dict[str, tuple[float, float]] = {}
        for meant, slip in slips.items():
            if not lexicon.starts_a_word(meant):
                continue
            # Letters one slip from a whole word ("recieve": receive) most likely end there:
            # that word alone, not its longer forms ("received").
            found = [(meant, 1.0)] if lexicon.knows(meant) else ()
            for word, _ in found or lexicon.completions(meant, COMPLETIONS_PER_PREFIX):
                best = max(scored.get(word, (0.0, 0.0)), (slip * lexicon.frequency(word), slip))
                scored[word] = best
        ranked = sorted(scored.items(), key=lambda item: -item[1][0])[:MAX_CANDIDATES]
        return tuple((self._spelled(word, typed), slip) for word, (_, slip) in ranked)

    def _build(self, indexed: list[tuple[str, int]]) -> None:
        from symspellpy import SymSpell

        start = time.perf_counter()
        index = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=PREFIX_LENGTH)
        for word, count in indexed:
            if word.isalpha():
                index.create_dictionary_entry(word.lower(), count)
            elif _is_contraction(word) and not self.lexicon.knows(without_apostrophes(word)):
                self._contractions.setdefault(without_apostrophes(word).lower(), (word, count))
        listed_correction("")  # the table is read here, not on a keystroke
        self.build_seconds = time.perf_counter() - start
        self._index = index
        longlived.settle_late()
        log.info("Correction index: %d words in %.2f s", INDEXED_WORDS, self.build_seconds)

    def _candidates(self, typed: str) -> tuple[tuple[str, float], ...]:
        key = typed.lower()
        scored: list[tuple[float, str, float]] = []  # slip times count, word, slip
        for item in self._near(key):
            if len(scored) >= MAX_CANDIDATES and _bound(item) <= scored[MAX_CANDIDATES - 1][0]:
                break  # no word left can beat the ones kept
            slip = slip_probability(key, item.term)
            if slip > 0.0:
                bisect.insort(scored, (slip * item.count, item.term, slip), key=_first_desc)
        for word, count in self._habits(key):
            scored = [entry for entry in scored if entry[1] != word]
            bisect.insort(scored, (HABIT * count, word, HABIT), key=_first_desc)
        return tuple(
            (self._spelled(word, typed), slip) for _, word, slip in scored[:MAX_CANDIDATES]
        )

    def _habits(self, key: str) -> list[tuple[str, int]]:
        """The words `key` is a habitual misspelling of (its contraction, its listed
        correction), with their counts."""
        habits = [self._contractions[key]] if key in self._contractions else []
        listed = listed_correction(key)
        if listed is not None and self.lexicon.knows(listed):
            habits.append((listed, self.lexicon.count(listed)))
        return habits

    def _near(self, key: str) -> list[Any]:
        """symspellpy's words one edit from `key` (`key` itself left out); none such and `key`
        long enough, the closest two edits away. Best first by the most their slips may be
        worth (`_bound`). (Every word two edits away costs a slip alignment each, about 0.1 ms,
        and is at most a hundredth as likely: asked only when no word is one edit away.)"""
        from symspellpy import Verbosity

        near = [
            i for i in self._index.lookup(key, Verbosity.ALL, max_edit_distance=1) if i.term != key
        ]
        if not near and len(key) >= TWO_EDITS_FROM:
            near = self._index.lookup(key, Verbosity.CLOSEST, max_edit_distance=MAX_EDITS)
        return sorted(near, key=lambda item: -_bound(item))

    def _spelled(self, key: str, typed: str) -> str:
        """The dictionary's spelling of `key`, with a capital first letter when the typist meant
        one: when the first letter typed is one, or the second and the word starts with it
        ("yHouse" is a slip for "House"). A spelling with a capital is a name's or the pronoun
        I's (the list spells a word so only when nearly all its uses are: London, iPhone, I'm;
        `training.wordlist`), kept as it is."""
        word = self.lexicon.spelling(key)
        second_capital = typed[1:2].isupper() and word[:1].lower() == typed[1:2].lower()
        if word[:1].islower() and (typed[:1].isupper() or second_capital):
            return word[:1].upper() + word[1:]
        return word
