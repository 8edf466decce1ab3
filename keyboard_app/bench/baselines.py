"""Two keyboards a user could pick instead of the model, built from the same training text:
a word-frequency keyboard and a word trigram keyboard with backoff."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable

from keyboard_app.engine.words import find_words, split_typed_word


class FrequencyKeyboard:
    """The `k` most frequent training words that start with the typed prefix."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.counts: Counter[str] = Counter(w for line in lines for w in find_words(line))
        self._sorted = sorted(self.counts)
        self._cache: dict[tuple[str, int], list[str]] = {}

    def matching(self, prefix: str, k: int) -> list[str]:
        key = (prefix, k)
        if key not in self._cache:
            low = bisect.bisect_left(self._sorted, prefix)
            high = bisect.bisect_left(self._sorted, prefix + "\U0010ffff")
            found = self._sorted[low:high]
            found.sort(key=lambda w: (-self.counts[w], w))
            self._cache[key] = found[:k]
        return self._cache[key]

    def suggest(self, text: str, k: int = 3) -> list[str]:
        return self.matching(split_typed_word(text).typed, k)


class TrigramKeyboard:
    """Words seen after the previous two words, then after the previous one, then by frequency
    (backoff: each level fills the places the one above left empty), all matching the prefix.
    History starts at each paragraph, as it does in the training lines it counts."""

    def __init__(self, lines: Iterable[str]) -> None:
        lines = list(lines)
        self.unigrams = FrequencyKeyboard(lines)
        self.bigrams: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.trigrams: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for line in lines:
            words = ["<s>", "<s>", *find_words(line)]
            for a, b, c in zip(words, words[1:], words[2:], strict=False):
                self.bigrams[b][c] += 1
                self.trigrams[(a, b)][c] += 1
        self._ranked: dict[tuple[str, ...], list[str]] = {}

    def _ranked_after(self, history: tuple[str, ...]) -> list[str]:
        """The words seen after `history` (two words or one), most frequent first; sorted once."""
        if history not in self._ranked:
            counts = (
                self.trigrams.get(history) if len(history) == 2 else self.bigrams.get(history[0])
            )
            counts = counts or Counter()
            self._ranked[history] = sorted(counts, key=lambda w: (-counts[w], w))
        return self._ranked[history]

    def suggest(self, text: str, k: int = 3) -> list[str]:
        typed = split_typed_word(text)
        paragraph = typed.boundary.rsplit("\n", 1)[-1]
        history = ["<s>", "<s>", *find_words(paragraph)]
        found: list[str] = []
        for context in ((history[-2], history[-1]), (history[-1],)):
            for word in self._ranked_after(context):
                if word.startswith(typed.typed) and word not in found:
                    found.append(word)
                    if len(found) == k:
                        return found
        found.extend(
            w for w in self.unigrams.matching(typed.typed, k + len(found)) if w not in found
        )
        return found[:k]
