"""Corrections as a source: the words the typed letters may be a slip for, and while no word starts
with them the completions of the letters one slip back (`keyboard_app.corrector`), each scored as
a noisy channel: the language model's probability of the word here times the probability of the
slip.

The model's probability is read off the distribution the context already has (no decode): that of
the word's first piece after the word boundary, times the dictionary's share of the word among
the words that start with that piece's letters. The network's word search decodes whole words for
the typed letters only; a correction spells other letters, and a decode per correction would cost
more than the keystroke's budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from keyboard_app.corrector import Corrector
from keyboard_app.engine.lexicon import Lexicon
from keyboard_app.engine.sampling import log_softmax
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.sources.network import NetworkSource
from keyboard_app.engine.tokenizer import encode_user_text, token_bytes
from keyboard_app.engine.words import is_lone_letter

LogProbabilities = npt.NDArray[np.float32]


class CorrectionSource:
    """Proposes corrections of the typed word once the network is attached (`attach`); before,
    or for an instant query, scored by the dictionary's frequencies alone."""

    kind = "corrections"
    next_word = False

    def __init__(self, corrector: Corrector) -> None:
        self.corrector = corrector
        self._network: NetworkSource | None = None
        # The last boundary's distribution: its text, the logits it was made from, and it.
        self._boundary: tuple[str, npt.NDArray[np.float32], LogProbabilities] | None = None

    @classmethod
    def of(cls, lexicon: Lexicon) -> CorrectionSource:
        """A source on the one corrector of `lexicon` in this process (its index is built once)."""
        return cls(corrector_of(lexicon))

    def attach(self, network: NetworkSource) -> None:
        self._network = network

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal | None:
        typed = query.typed.typed
        corrections = dict(self.corrector.candidates(typed)) if typed else {}
        for word, slip in self.corrector.completions(typed):
            corrections.setdefault(word, slip)
        for word in [word for word in corrections if is_lone_letter(word)]:
            del corrections[word]  # the dictionary's letters ("x" for "qx"): never worth offering
        if not corrections:
            return None
        logp = None if query.instant else self._boundary_distribution(query)
        spaced = query.typed.prefix.startswith(" ")
        return Proposal(
            {
                word: self._probability(word, logp, spaced) * slip
                for word, slip in corrections.items()
            }
        )

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

    def _probability(self, word: str, logp: LogProbabilities | None, spaced: bool) -> float:
        lexicon = self.corrector.lexicon
        if logp is None:
            return lexicon.frequency(word)
        piece, text = _first_piece(word, spaced)
        share = lexicon.frequency(word) / max(lexicon.prefix_frequency(text), 1e-12)
        return float(np.exp(logp[piece])) * min(share, 1.0)


@lru_cache(maxsize=4)
def corrector_of(lexicon: Lexicon) -> Corrector:
    return Corrector(lexicon)


@lru_cache(maxsize=8192)
def _first_piece(word: str, spaced: bool) -> tuple[int, str]:
    """GPT-2's first piece of `word` (after a space when `spaced`), and its letters."""
    piece = encode_user_text((" " if spaced else "") + word)[0]
    return piece, token_bytes(piece).decode("utf-8", "replace").lstrip(" ")
