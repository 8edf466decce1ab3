"""Building the word trigram model of the built-in model's training text (`engine/trigrams.py`
reads it): counting, pruning, and writing the NumPy archive.

`keyboard-app train --corpus resources/corpora --write-trigrams FILE` runs it on the training split
alone, so that the held-out text stays unseen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from keyboard_app.engine.trigrams import BOUNDARY, TOKENS, Ids, Rows, WordTrigrams
from keyboard_app.files import atomic_path


def build_trigrams(lines: Iterable[str], min_count: int = 2) -> WordTrigrams:
    """Count `lines` (one paragraph each); trigrams seen fewer than `min_count` times are pruned."""
    return WordTrigrams(build_arrays(count_trigrams(lines), min_count))


def save_trigrams(model: WordTrigrams, path: Path) -> Path:
    """Write the tables (compressed; the smallest integer type that holds each), atomically, so
    that a failed write leaves any earlier file as it was."""
    with atomic_path(path) as partial, partial.open("wb") as out:
        np.savez_compressed(out, allow_pickle=False, **_compacted(model.tables))
    return Path(path)


def count_trigrams(lines: Iterable[str]) -> Counter[tuple[str, str, str]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for line in lines:
        tokens = [BOUNDARY, BOUNDARY, *TOKENS.findall(line)]
        counts.update(zip(tokens, tokens[1:], tokens[2:], strict=False))
    return counts


def build_arrays(counts: Counter[tuple[str, str, str]], min_count: int) -> dict[str, np.ndarray]:
    """The tables of an interpolated Kneser-Ney trigram model from trigram counts."""
    vocabulary = sorted({BOUNDARY} | {token for trigram in counts for token in trigram})
    ids = {token: i for i, token in enumerate(vocabulary)}
    n = len(vocabulary)
    continuations: defaultdict[int, Counter[int]] = defaultdict(Counter)  # N1+(. b c) by b
    trigrams: defaultdict[int, dict[int, int]] = defaultdict(dict)
    history_counts: Counter[int] = Counter()
    for (a, b, c), count in counts.items():
        key = ids[a] * n + ids[b]
        continuations[ids[b]][ids[c]] += 1
        history_counts[key] += count
        if count >= min_count:
            trigrams[key][ids[c]] = count
    before = np.zeros(n, np.int64)
    for row in continuations.values():
        for word in row:
            before[word] += 1
    histories = sorted(trigrams)
    bigrams = _rows(continuations, n)
    kept = _rows({i: trigrams[key] for i, key in enumerate(histories)}, len(histories))
    return {
        "words": np.frombuffer("\n".join(vocabulary).encode("utf-8"), np.uint8),
        "continuations": before,
        "bigram_start": bigrams.start,
        "bigram_word": bigrams.word,
        "bigram_count": bigrams.count,
        "trigram_history": np.asarray(histories, np.int64),
        "trigram_history_count": np.asarray([history_counts[key] for key in histories], np.int64),
        "trigram_start": kept.start,
        "trigram_word": kept.word,
        "trigram_count": kept.count,
    }


def _rows(groups: Mapping[int, Mapping[int, int]], n: int) -> Rows:
    start: list[int] = [0]
    words: list[int] = []
    counts: list[int] = []
    for h in range(n):
        row = sorted(groups.get(h, {}).items())
        words.extend(w for w, _ in row)
        counts.extend(c for _, c in row)
        start.append(len(words))
    return Rows(*(np.asarray(column, np.int64) for column in (start, words, counts)))


def _compacted(arrays: Mapping[str, Ids]) -> dict[str, Any]:
    """Each table in the smallest of uint8, int32 and int64 that holds its values."""
    compact: dict[str, Any] = {}
    for key, values in arrays.items():
        fits = (np.uint8, np.int32) if values.size == 0 or values.min() >= 0 else ()
        kind = next((t for t in fits if values.max(initial=0) <= np.iinfo(t).max), np.int64)
        compact[key] = values.astype(kind)
    return compact
