"""The network's words as a source: the whole-word search over GPT-2's pieces (`wordsearch.py`)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.context import MainSequence, build_context
from keyboard_app.engine.instant import instant_words
from keyboard_app.engine.knowledge import Knowledge
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.wordsearch import WordSearch


class NetworkSource:
    """The likeliest whole words under the model, and the probability of all that spells the
    typed letters. The one source that decodes: it evaluates the context on the main sequence,
    reusing the KV cache from the last keystroke.

    After each search it publishes what is decoded (`knowledge`, replaced whole, never changed),
    from which an instant query is answered without a decode, in whichever thread asks."""

    kind = "network"

    def __init__(
        self, main: MainSequence, words: WordSearch, reserve: int, blank_lines: bool = True
    ) -> None:
        self._main = main
        self._words = words
        self._reserve = reserve
        self._blank_lines = blank_lines  # whether the model knows them (`build_context`)
        self.last_context: list[int] = []  # what the last proposal ran the model on
        self.knowledge: Knowledge | None = None

    def context(self, text: str) -> list[int]:
        """The tokens the network is run on for a word starting after `text`."""
        n_ctx = self._main.backend.n_ctx
        return build_context(text, n_ctx, self._reserve, blank_lines=self._blank_lines)

    def propose(self, query: Query, wanted: int) -> Proposal:
        if query.instant:
            return self._instant(query, wanted)
        context = self.last_context = self.context(query.typed.boundary)
        self._words.adopt(context)
        logits = self._main.evaluate(context, exact=query.exact)
        if self._words.begin(context, logits):
            # The context's own distribution, for the instant answers while candidates decode
            # (with a slow model, the keystrokes typed meanwhile are answered from it).
            self.publish()
        found = self._words.search(
            context,
            logits,
            query.typed,
            wanted,
            query.filter_offensive,
            query.exact,
            query.superseded,
        )
        self.publish()
        return Proposal(found.words, mass=found.prefix_mass)

    def evaluate_cached(self, context: list[int]) -> npt.NDArray[np.float32] | None:
        """The logits after `context` when the main sequence still holds exactly it (free), else
        None (another request has moved it since)."""
        if not context or self._main.tokens != context:
            return None
        return self._main.evaluate(context)

    def publish(self) -> None:
        """Freeze what the word search has decoded for the instant answers (after a search or
        work ahead; the decoding thread calls it)."""
        self.knowledge = self._words.knowledge()

    def _instant(self, query: Query, wanted: int) -> Proposal:
        context = self.context(query.typed.boundary)
        found = instant_words(
            self._words.table, self.knowledge, context, query.typed, wanted, query.filter_offensive
        )
        return Proposal(found.words, mass=found.prefix_mass)
