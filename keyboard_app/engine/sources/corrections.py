"""Corrections as a source: the words the typed letters may be a slip for, and while no word starts
with them the completions of the letters one slip back (`keyboard_app.corrector`), each scored as
a noisy channel: the language model's probability of the word here times the probability of the
slip.

The model's probability is read off the distribution the context already has (no decode): that of
the word's first piece after the word boundary, times the dictionary's share of the word among
the words that start with that piece's letters. The network's word search decodes whole words for
the typed letters only; a correction spells other letters, and a decode per correction would cost
more than the keystroke's budget.

With a personal store, letters no word starts with are also a slip for a word the user writes that
the dictionary lacks (Nalsdi: Naledi, a colleague's name), one slip away (`slips.one_slip_back`),
scored as a dictionary word with its share of the user's words for its frequency.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from keyboard_app.corrector import Corrector
from keyboard_app.corrector.misspellings import listed_correction
from keyboard_app.corrector.slips import one_slip_back
from keyboard_app.engine.lexicon import Lexicon
from keyboard_app.engine.sampling import log_softmax
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.sources.network import NetworkSource
from keyboard_app.engine.tokenizer import encode_user_text, token_bytes
from keyboard_app.engine.words import is_lone_letter, starts_sentence
from keyboard_app.personal import PersonalStore

LogProbabilities = npt.NDArray[np.float32]
# Letters typed from which, and up to which, the user's words are looked for among a slip's
# meanings (the strings one slip back grow with the letters: 200 for 6, 650 for 20).
USERS_WORDS_FROM = 3
USERS_WORDS_TO = 15
# How often the user has written a word for it to be a slip's meaning: once may be the slip
# itself, learned before it was mended.
USERS_WORD_COUNT = 2


class CorrectionSource:
    """Proposes corrections of the typed word once the network is attached (`attach`); before,
    or for an instant query, scored by the dictionary's frequencies alone."""

    kind = "corrections"
    next_word = False

    def __init__(self, corrector: Corrector, personal: PersonalStore | None = None) -> None:
        self.corrector = corrector
        self.personal = personal
        self._network: NetworkSource | None = None
        # The last boundary's distribution: its text, the logits it was made from, and it.
        self._boundary: tuple[str, npt.NDArray[np.float32], LogProbabilities] | None = None

    @classmethod
    def of(cls, lexicon: Lexicon, personal: PersonalStore | None = None) -> CorrectionSource:
        """A source on the one corrector of `lexicon` in this process (its index is built once),
        and the user's words in `personal`."""
        return cls(corrector_of(lexicon), personal)

    def attach(self, network: NetworkSource) -> None:
        self._network = network

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal | None:
        typed = query.typed.typed
        corrections = dict(self.corrector.candidates(typed)) if typed else {}
        for word, slip in self.corrector.completions(typed):
            corrections.setdefault(word, slip)
        users = self._users_words(typed)
        for word, (slip, _) in users.items():
            corrections.setdefault(word, slip)
        for word in [word for word in corrections if is_lone_letter(word)]:
            del corrections[word]  # the dictionary's letters ("x" for "qx"): never worth offering
        if not corrections:
            return None
        logp = None if query.instant else self._boundary_distribution(query)
        spaced = query.typed.prefix.startswith(" ")
        either_case = starts_sentence(query.typed.boundary)
        lexicon = self.corrector.lexicon
        return Proposal(
            {
                word: self._probability(
                    word,
                    users[word][1] if word in users else lexicon.frequency(word),
                    logp,
                    spaced=spaced,
                    either_case=either_case,
                )
                * slip
                for word, slip in corrections.items()
            }
        )

    def _users_words(self, typed: str) -> dict[str, tuple[float, float]]:
        """The words the user writes, and the dictionary lacks, that `typed` is one slip from,
        when no word of either starts with it (Nalsdi: Naledi); each spelled as the user spells
        it (with a capital when typed with one), with the slip's probability and the word's share
        of the user's words. (The dictionary's words are the corrector's.)"""
        store, lexicon = self.personal, self.corrector.lexicon
        key = typed.lower()
        if store is None or not USERS_WORDS_FROM <= len(typed) <= USERS_WORDS_TO:
            return {}
        if not typed.isalpha() or not self.corrector.ready:
            return {}
        if lexicon.starts_a_word(key) or store.completions(key, 1):
            return {}
        slips: dict[str, float] = {}
        for meant, slip in one_slip_back(key):
            if not lexicon.knows(meant):
                slips[meant] = max(slips.get(meant, 0.0), slip)
        counts = {w: n for w, n in store.word_counts(slips).items() if n >= USERS_WORD_COUNT}
        if not counts:
            return {}
        total = max(store.word_total(), 1)
        spellings = store.spellings(counts)
        found = {}
        for meant, count in counts.items():
            word = spellings.get(meant) or meant
            if not self._meant(word):
                continue
            if typed[:1].isupper():
                word = word[:1].upper() + word[1:]
            found[word] = (slips[meant], count / total)
        return found

    def _meant(self, word: str) -> bool:
        """Whether a word of the user's, spelled as they spell it, may be what a slip meant: a
        name (a capital where they write it inside sentences), or a word that is no common
        misspelling (`misspellings.listed_correction`: enviroment, pratice, seperate, made twice
        and learned, would otherwise be put in by autocorrect; pytest, webpack and kubectl are
        words, though a slip or two from purest, webpage and the like)."""
        return word[:1].isupper() or listed_correction(word.lower()) is None

    def _boundary_distribution(self, query: Query) -> LogProbabilities | None:
        """The model's log-probabilities for the first piece after the boundary: the network has
        just evaluated that context (free), kept for the other keystrokes of the word unless the
        network has evaluated it anew since (an exact query's distribution replaces a server's
        approximate one)."""
        boundary = query.typed.boundary
        network = self._network
        logits = None if network is None else network.evaluate_cached(network.last_context)
        kept = self._boundary
        if kept is not None and kept[0] == boundary and (logits is None or logits is kept[1]):
            return kept[2]
        if logits is None:
            return None
        logp = log_softmax(logits)
        self._boundary = (boundary, logits, logp)
        return logp

    def _probability(
        self,
        word: str,
        frequency: float,
        logp: LogProbabilities | None,
        *,
        spaced: bool,
        either_case: bool,
    ) -> float:
        """The model's probability of `word` here, its share of its first piece's letters read
        from its `frequency` (its frequency alone without the model's distribution); `spaced`:
        a space comes before the word; `either_case`: it starts a sentence, where a word in small
        letters is the model's word with its capital too (`Thanks. teh`: the model's " The", not
        " the", which it gives little)."""
        if logp is None:
            return frequency
        spellings = {word}
        if either_case and word[:1].islower():
            spellings.add(word[:1].upper() + word[1:])
        pieces = {_first_piece(spelling, spaced) for spelling in spellings}
        prefix_frequency = self.corrector.lexicon.prefix_frequency
        return sum(
            float(np.exp(logp[piece])) * min(frequency / max(prefix_frequency(text), 1e-12), 1.0)
            for piece, text in pieces
        )


@lru_cache(maxsize=4)
def corrector_of(lexicon: Lexicon) -> Corrector:
    return Corrector(lexicon)


@lru_cache(maxsize=8192)
def _first_piece(word: str, spaced: bool) -> tuple[int, str]:
    """GPT-2's first piece of `word` (after a space when `spaced`), and its letters."""
    piece = encode_user_text((" " if spaced else "") + word)[0]
    return piece, token_bytes(piece).decode("utf-8", "replace").lstrip(" ")
