"""The dictionary as a source: the shipped English words with their counts (`lexicon.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from keyboard_app.engine.lexicon import Lexicon, load_lexicon
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.paths import lexicon_path

# Completions proposed per requested word: the mixer fills the places the network leaves empty.
COMPLETIONS_PER_WORD = 2


@dataclass
class DictionarySource:
    """Knows which words are words; proposes the most frequent completions of the typed letters,
    each with its share of all the words that start so."""

    lexicon: Lexicon
    kind: str = "dictionary"
    next_word: bool = False

    @classmethod
    def shipped(cls) -> DictionarySource:
        return cls(load_lexicon(lexicon_path()))

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal:
        typed = query.typed.typed
        words = (
            dict(self.lexicon.completions(typed, COMPLETIONS_PER_WORD * query.k)) if typed else {}
        )
        lexicon = self.lexicon
        return Proposal(
            words, knows=lexicon.knows, spells=lexicon.spelling, common=lexicon.is_common
        )
