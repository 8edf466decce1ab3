"""A keyboard's dictionary: English words with how often they occur, searchable by prefix.

The model's word search is exact about what the model believes, but a small model spells rare words
badly (it never learnt their pieces well) and sometimes believes in non-words. The dictionary fixes
both, as on a phone keyboard (`sources/dictionary.py` proposes its words, `mixer.py` says how).

The file is one `word<TAB>count` per line (UTF-8). The shipped one is wordfreq's English list, filtered
and extended with the words of the built-in model's training text (`keyboard_app/training/wordlist.py`;
the held-out text stays unseen); the corrector searches the same
words (`keyboard_app/corrector/`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from functools import cached_property, lru_cache
from itertools import accumulate
from pathlib import Path

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.wordfilter import is_offensive
from keyboard_app.engine.words import prefix_range

COMPLETION_CACHE = 4096
# English's most frequent words: everyday words (will, rose, may: a capital the user gives one is
# a name's, Will, where Siobhan, 42,982th, is the word's own), and what tells a line in English from
# one in another language (`autocorrect.in_other_language`: the dictionary knows many Spanish or
# Portuguese words, leche, agua, its most frequent few only English's).
COMMON_WORDS = 20_000


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
        self._cumulative = list(accumulate((count for _, count in self._forms), initial=0))
        self._total = self._cumulative[-1]

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

    def frequency(self, word: str) -> float:
        """How often `word` (any case) occurs, as a share of all the words counted."""
        return self.count(word) / self._total if self._total else 0.0

    def count(self, word: str) -> int:
        """`word`'s count (any case), 0 when unknown."""
        index = self._index(word)
        return self._forms[index][1] if index is not None else 0

    def knows(self, word: str) -> bool:
        return self._index(word) is not None

    def spelling(self, word: str) -> str:
        """`word` as the dictionary spells it most often (`word` itself when unknown)."""
        index = self._index(word)
        return word if index is None else self._forms[index][0]

    def prefix_frequency(self, prefix: str) -> float:
        """How often the words starting with `prefix` (any case) occur, as a share of all."""
        low, high = prefix_range(self._keys, prefix.lower())
        return (
            (self._cumulative[high] - self._cumulative[low]) / self._total if self._total else 0.0
        )

    def starts_a_word(self, prefix: str) -> bool:
        """Whether some word starts with `prefix` (any case)."""
        low, high = prefix_range(self._keys, prefix.lower())
        return high > low

    def by_frequency(self) -> Iterator[tuple[str, int]]:
        """Every word (as spelled most often) with its count, most frequent first."""
        return iter(self._ranked)

    def is_common(self, word: str, commonest: int = COMMON_WORDS) -> bool:
        """Whether `word` (any case) is one of the `commonest` most frequent words (at most
        `COMMON_WORDS`)."""
        rank = self._ranks.get(word.lower())
        return rank is not None and rank < commonest

    @cached_property
    def _ranked(self) -> list[tuple[str, int]]:  # a sort of the counts: some 30 ms, done once
        return sorted(self._forms, key=lambda form: -form[1])

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {word.lower(): rank for rank, (word, _) in enumerate(self._ranked[:COMMON_WORDS])}

    def _index(self, word: str) -> int | None:
        key = word.lower()
        low, _ = prefix_range(self._keys, key)
        return low if low < len(self._keys) and self._keys[low] == key else None

    def _completions(self, prefix: str, limit: int) -> tuple[tuple[str, float], ...]:
        """The `limit` most frequent words starting with `prefix` (any case), spelled with the
        prefix exactly as given, each with its share of all the words that start so."""
        key = prefix.lower()
        if len(key) != len(prefix):
            return ()  # a letter whose lower case is longer: the spellings would not line up
        low, high = prefix_range(self._keys, key)
        total = self._cumulative[high] - self._cumulative[low]
        best = heapq.nlargest(limit, range(low, high), key=lambda index: self._forms[index][1])
        return tuple(
            (prefix + self._forms[i][0][len(prefix) :], self._forms[i][1] / total) for i in best
        )


@lru_cache(maxsize=4)
def load_lexicon(path: Path) -> Lexicon:
    """The dictionary at `path`, read once per process."""
    return Lexicon.load(path)
