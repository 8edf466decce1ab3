"""A keyboard's dictionary: English words with how often they occur, blended into the model's words.

The model's word search is exact about what the model believes, but a small model spells rare words
badly (it never learnt their pieces well) and sometimes believes in non-words. The dictionary fixes
both, as on a phone keyboard: a word neither in it nor in the document is demoted, and the chance
that the model gives to the typed letters but that its best words do not account for is shared
among the dictionary's completions of those letters, by how often each occurs.

The document's own words also complete the typed letters, by a cache model (Kuhn and De Mori,
1990): a mixture of the model's probability and the word's frequency in the text before the cursor.
The network sees only its last 256 tokens and spells a rare name badly; a writer repeats names and
terms, so a word used above is likely again.

The file is one `word<TAB>count` per line (UTF-8), made from the built-in model's training text by
`keyboard-app train --write-lexicon` (so the held-out text stays unseen).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.wordfilter import is_offensive
from keyboard_app.engine.words import TypedWord, find_words

UNKNOWN_WORD_SHARE = 0.05  # what is left of a word that is neither known nor in the document
COMPLETION_CACHE = 4096
BELOW = 0.999  # a dictionary word's score stays under the model's weakest known word
# The cache's weight in the mixture; chosen on held-out text other than the benchmark's first 3,000 words.
DOCUMENT_CACHE = 0.1


class Lexicon:
    """Words (as spelled most often) and their counts, searchable by a case-insensitive prefix."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        spellings: dict[str, dict[str, int]] = {}
        for word, count in counts.items():
            spellings.setdefault(word.lower(), {})[word] = count
        self._keys = sorted(key for key in spellings if not is_offensive(key))
        self._forms = [
            (max(spellings[key], key=spellings[key].__getitem__), sum(spellings[key].values()))
            for key in self._keys
        ]
        self.completions = lru_cache(maxsize=COMPLETION_CACHE)(self._completions)

    def __len__(self) -> int:
        return len(self._keys)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ModelError(f"The dictionary {path} cannot be read: {error}") from error
        counts: dict[str, int] = {}
        for number, line in enumerate(lines, 1):
            word, _, count = line.partition("\t")
            if not word or not count.isdigit() or int(count) == 0:
                raise ModelError(f"The dictionary {path} is damaged (line {number}).")
            counts[word] = int(count)
        return cls(counts)

    def knows(self, word: str) -> bool:
        key = word.lower()
        i = bisect.bisect_left(self._keys, key)
        return i < len(self._keys) and self._keys[i] == key

    def _completions(self, prefix: str, limit: int) -> tuple[tuple[str, float], ...]:
        """The `limit` most frequent words starting with `prefix` (any case), spelled with the
        prefix exactly as given, each with its share of all the words that start so."""
        key = prefix.lower()
        if len(key) != len(prefix):
            return ()  # a letter whose lower case is longer: the spellings would not line up
        low = bisect.bisect_left(self._keys, key)
        high = bisect.bisect_left(self._keys, key + "\U0010ffff")
        matches = self._forms[low:high]
        total = sum(count for _, count in matches)
        matches = sorted(matches, key=lambda form: -form[1])
        return tuple(
            (prefix + word[len(prefix) :], count / total) for word, count in matches[:limit]
        )


@dataclass(frozen=True)
class DocumentWords:
    """The words of the text before the cursor: as spelled, with counts (offensive ones left out of
    the counts, so the cache never offers them), and lower-cased (the words the writer knows)."""

    counts: Counter[str]
    lowered: frozenset[str]
    total: int

    @classmethod
    def of(cls, text: str) -> DocumentWords:
        words = find_words(text)
        counts = Counter(word for word in words if not is_offensive(word))
        return cls(counts, frozenset(word.lower() for word in words), len(words))

    def completions(self, typed: str) -> list[tuple[str, float]]:
        """The words that start with `typed` (case as typed) and go on, each with its frequency."""
        return [
            (word, count / self.total)
            for word, count in self.counts.items()
            if word.startswith(typed) and len(word) > len(typed)
        ]


def blend(
    found: dict[str, float],
    typed: TypedWord,
    prefix_mass: float,
    lexicon: Lexicon,
    document: DocumentWords,
    limit: int,
) -> dict[str, float]:
    """The model's words, those neither in the dictionary nor in the document demoted; then, when
    letters are typed, the dictionary's `limit` most frequent completions of them, sharing what the
    model's words leave of `prefix_mass` (the probability of all that spells the letters) by how
    often each occurs, but never above a word the model found and the dictionary knows; then the
    document's completions of them mixed in with weight `DOCUMENT_CACHE`."""
    scores: dict[str, float] = {}
    known: list[float] = []
    for word, probability in found.items():
        if word == typed.typed or lexicon.knows(word) or word.lower() in document.lowered:
            scores[word] = probability
            known.append(probability)
        else:
            scores[word] = probability * UNKNOWN_WORD_SHARE
    if not typed.typed:
        return scores  # the next word: the model alone knows what fits here
    left = min(max(prefix_mass - sum(found.values()), 0.0), BELOW * min(known, default=1.0))
    for word, share in lexicon.completions(typed.typed, limit):
        scores.setdefault(word, left * share)
    return _mix_document(scores, document.completions(typed.typed))


def _mix_document(scores: dict[str, float], cached: list[tuple[str, float]]) -> dict[str, float]:
    """The mixture (1 - w) * score + w * frequency, divided by (1 - w): the ranking is the
    mixture's, and the words the document does not add keep their probabilities."""
    mixed = dict(scores)
    for word, frequency in cached:
        mixed[word] = mixed.get(word, 0.0) + DOCUMENT_CACHE / (1 - DOCUMENT_CACHE) * frequency
    return mixed


@lru_cache(maxsize=4)
def load_lexicon(path: Path) -> Lexicon:
    """The dictionary at `path`, read once per process."""
    return Lexicon.load(path)
