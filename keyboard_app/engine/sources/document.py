"""The document's own words as a source: a cache model (Kuhn and De Mori, 1990).

The network sees only its last tokens and spells a rare name badly; a writer repeats names and
terms, so a word used above is likely again. The words of the text before the cursor (its last
`DOCUMENT_WINDOW` characters) count as known, and those that complete the typed letters (case as
typed, or a word written in capitals) are proposed with their frequency there. Offensive words
are never proposed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.window import DOCUMENT_WINDOW
from keyboard_app.engine.words import find_words


@dataclass(frozen=True)
class DocumentWords:
    """The words of a text: as spelled, with counts, and lower-cased (the words the writer knows).
    (The mixer keeps offensive ones out of suggestions while the filter is on.)"""

    counts: Counter[str]
    lowered: frozenset[str]
    total: int

    @classmethod
    def of(cls, text: str) -> DocumentWords:
        words = find_words(text)
        counts = Counter(words)
        return cls(counts, frozenset(word.lower() for word in words), len(words))

    def knows(self, word: str) -> bool:
        return word.lower() in self.lowered

    def completions(self, typed: str) -> dict[str, float]:
        """The words that start with `typed` and go on, each with its frequency: in the case typed,
        or written in capitals (a heading's, which the mixer puts in the typed case)."""
        upper = typed.upper()
        return {
            word: count / self.total
            for word, count in self.counts.items()
            if len(word) > len(typed)
            and (word.startswith(typed) or (word.isupper() and word.startswith(upper)))
        }


@lru_cache(maxsize=1)
def document_words(text: str) -> DocumentWords:
    """The words of `text`: the same text for every keystroke of a word, read once."""
    return DocumentWords.of(text)


class DocumentSource:
    kind = "document"
    next_word = False

    def propose(self, query: Query, candidates: Mapping[str, float]) -> Proposal:
        words = document_words(query.typed.boundary[-DOCUMENT_WINDOW:])
        typed = query.typed.typed
        return Proposal(words.completions(typed) if typed else {}, knows=words.knows)
