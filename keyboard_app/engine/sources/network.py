"""The network's words as a source: the whole-word search over GPT-2's pieces (`wordsearch.py`)."""

from __future__ import annotations

from keyboard_app.engine.context import MainSequence, build_context
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.wordsearch import WordSearch


class NetworkSource:
    """The likeliest whole words under the model, and the probability of all that spells the
    typed letters. The one source that decodes: it evaluates the context on the main sequence,
    reusing the KV cache from the last keystroke."""

    kind = "network"

    def __init__(self, main: MainSequence, words: WordSearch, reserve: int) -> None:
        self._main = main
        self._words = words
        self._reserve = reserve
        self.last_context: list[int] = []  # what the last proposal ran the model on

    def context(self, text: str) -> list[int]:
        """The tokens the network is run on for a word starting after `text`."""
        return build_context(text, self._main.backend.n_ctx, self._reserve)

    def propose(self, query: Query, wanted: int) -> Proposal:
        context = self.last_context = self.context(query.typed.boundary)
        self._words.adopt(context)
        logits = self._main.evaluate(context)
        found = self._words.search(
            context, logits, query.typed, wanted, query.filter_offensive, query.exact
        )
        return Proposal(found.words, mass=found.prefix_mass)
