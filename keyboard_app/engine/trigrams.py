"""A word trigram model of the built-in model's training text, a source of its next words.

A small network trained for an hour and a half misses common phrases that plain counts get right;
a phone keyboard's n-gram model is the classic fix (`sources/trigrams.py` proposes its words for the
next word, `mixer.py` mixes them in).

The model is interpolated Kneser-Ney (Chen and Goodman, 1998) with one discount. Its tokens are words
and the punctuation marks `.,;:!?`, so that "announced. The" and "announced the" have different
histories; each paragraph starts a history, as in the training lines it counts. Trigrams seen once
are pruned, their probability left to the bigram below (a history left with none backs off to its
last word); bigram continuation counts are all kept. The file is a NumPy archive, read without
pickle; `keyboard_app.training.trigrams` builds it (`keyboard-app train --write-trigrams`).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.wordfilter import is_offensive
from keyboard_app.engine.words import WORDS, is_lone_letter, is_word, prefix_range

TOKENS = re.compile(WORDS.pattern + r"|[.,;:!?]")
BOUNDARY = "<s>"  # the start of a paragraph
DISCOUNT = 0.75
UNIGRAM_PRIOR = 0.5  # added to every continuation count, so that unseen words get a little
HISTORY_CHARS = 200  # the end of the paragraph that the last two tokens are read from
CANDIDATES = 20  # words taken from each level of the model
MAX_FILE_BYTES = 256 * 2**20  # uncompressed; the shipped tables take about 20 MB

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
TABLES = (
    "words",
    "continuations",
    "bigram_start",
    "bigram_word",
    "bigram_count",
    "trigram_history",
    "trigram_history_count",
    "trigram_start",
    "trigram_word",
    "trigram_count",
)
_UNREADABLE = (
    OSError,
    ValueError,
    KeyError,
    TypeError,
    EOFError,
    UnicodeDecodeError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,  # a zip feature numpy cannot read
    RuntimeError,  # an encrypted zip
    MemoryError,
)


def history(paragraph: str) -> list[str | None]:
    """The last two tokens before the cursor in `paragraph`, `<s>` standing for its start; None
    where the paragraph is too long to tell (its end held no two whole tokens)."""
    tail = paragraph[-HISTORY_CHARS:]
    tokens: list[str | None] = list(TOKENS.findall(tail))
    if len(tail) < len(paragraph):
        return [None, None, *tokens[1:]][-2:]  # the first token of the tail may be cut
    return [BOUNDARY, BOUNDARY, *tokens][-2:]


@dataclass(frozen=True)
class Rows:
    """Counts grouped by history: row `h` is `start[h]:start[h + 1]`, its words in id order."""

    start: Ids
    word: Ids
    count: Ids

    def _row(self, h: int) -> tuple[Ids, Ids]:
        low, high = int(self.start[h]), int(self.start[h + 1])
        return self.word[low:high], self.count[low:high]

    def words_between(self, h: int, low: int, high: int) -> Ids:
        """The words seen after history `h` whose ids are in [low, high)."""
        row = self._row(h)[0]
        found: Ids = row[np.searchsorted(row, low) : np.searchsorted(row, high)]
        return found

    def counts_of(self, h: int, words: Ids) -> Ids:
        """How often each of `words` (ids, -1 for a word never seen) follows history `h`."""
        row, counts = self._row(h)
        if row.size == 0:
            return np.zeros_like(words)
        at = np.minimum(np.searchsorted(row, words), row.size - 1)
        found: Ids = np.where(row[at] == words, counts[at], 0)
        return found

    def most_frequent(self, h: int, n: int) -> Ids:
        """The `n` words that most often follow history `h` (ties: the lower id first)."""
        row, counts = self._row(h)
        if counts.size > n:
            threshold = np.partition(counts, counts.size - n)[counts.size - n]
            keep = np.flatnonzero(counts >= threshold)
            row, counts = row[keep], counts[keep]
        best: Ids = row[np.lexsort((row, -counts))][:n]
        return best

    def sums(self) -> tuple[Ids, Ids]:
        """Each row's total count and number of words."""
        running = np.concatenate([[0], np.cumsum(self.count)])
        totals: Ids = running[self.start[1:]] - running[self.start[:-1]]
        sizes: Ids = np.diff(self.start)
        return totals, sizes

    def fits(self, n_words: int) -> bool:
        """Rows that tile the table in order, each with known words in increasing order."""
        start, words = self.start, self.word
        if not (start.size > 0 and start[0] == 0 and start[-1] == words.size == self.count.size):
            return False
        if not bool(np.all(np.diff(start) >= 0)):
            return False
        row_starts = np.zeros(words.size, bool)
        row_starts[start[:-1][start[:-1] < words.size]] = True
        return (
            (words.size == 0 or (words.min() >= 0 and words.max() < n_words))
            and bool(np.all((np.diff(words) > 0) | row_starts[1:]))
            and bool(np.all(self.count > 0))
        )


class WordTrigrams:
    """Next-word probabilities after the last two tokens of a paragraph."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        vectors = all(_is_integer_vector(arrays[key]) for key in TABLES)
        if not vectors or arrays["words"].dtype != np.uint8:
            raise ModelError("The word trigram file is damaged (its tables are not integer lists).")
        self.tables = {key: np.asarray(arrays[key], np.int64) for key in TABLES}
        self.words = arrays["words"].tobytes().decode("utf-8").split("\n")
        self.ids = {word: i for i, word in enumerate(self.words)}
        self.continuations = self.tables["continuations"]  # N1+(. w): words seen before w
        self.bigram_rows = self._rows("bigram")  # continuation counts N1+(. b w) by b
        self.histories = self.tables["trigram_history"]  # first * len(words) + last, sorted
        self.history_counts = self.tables["trigram_history_count"]  # before pruning
        self.trigram_rows = self._rows("trigram")  # counts c(a b w) by history, pruned
        self._check()
        self.bigram_totals, bigram_sizes = self.bigram_rows.sums()
        self.bigram_backoff = DISCOUNT * bigram_sizes / np.maximum(self.bigram_totals, 1)
        kept, kept_sizes = self.trigram_rows.sums()
        self.trigram_backoff = 1 - (kept - DISCOUNT * kept_sizes) / self.history_counts
        self._continuation_total = float(self.continuations.sum()) + UNIGRAM_PRIOR * len(self.words)
        self._top_words = np.argsort(-self.continuations, kind="stable")[: 4 * CANDIDATES]
        # The unigram's probabilities summed in id order, which is alphabetical (`_check`): the
        # mass of the words starting with some letters is one difference.
        unigram = (self.continuations + UNIGRAM_PRIOR) / self._continuation_total
        self._unigram_running = np.concatenate([[0.0], np.cumsum(unigram)])

    def _rows(self, level: str) -> Rows:
        return Rows(*(self.tables[f"{level}_{key}"] for key in ("start", "word", "count")))

    def _check(self) -> None:
        """Catch a damaged or foreign file before it gives wrong answers or an IndexError."""
        n = len(self.words)
        ok = (
            len(self.ids) == n
            and self.continuations.size == n
            and bool(np.all(self.continuations >= 0))
            and self.bigram_rows.start.size == n + 1
            and self.trigram_rows.start.size == self.histories.size + 1
            and self.history_counts.size == self.histories.size
            and all(rows.fits(n) for rows in (self.bigram_rows, self.trigram_rows))
            and all(a < b for a, b in zip(self.words, self.words[1:], strict=False))
            and bool(np.all(np.diff(self.histories) > 0))
            and (self.histories.size == 0 or 0 <= self.histories[0] <= self.histories[-1] < n * n)
            and bool(np.all(self.history_counts > 0))
            and bool(np.all(self.trigram_rows.sums()[0] <= self.history_counts))
        )
        if not ok:
            raise ModelError("The word trigram file is damaged (its tables do not fit together).")

    @classmethod
    def load(cls, path: Path) -> WordTrigrams:
        try:
            with zipfile.ZipFile(path) as archive:
                if sum(member.file_size for member in archive.infolist()) > MAX_FILE_BYTES:
                    raise ValueError("its tables are larger than any this app writes")
            with np.load(path, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in TABLES}
            return cls(arrays)
        except _UNREADABLE as error:
            raise ModelError(f"The word trigram file {path} cannot be read: {error}") from error

    def _history_row(self, first: int | None, last: int | None) -> int | None:
        if first is None or last is None:
            return None
        key = first * len(self.words) + last
        row = int(np.searchsorted(self.histories, key))
        return row if row < self.histories.size and self.histories[row] == key else None

    def _probabilities(self, row: int | None, last: int | None, words: Ids) -> Floats:
        """P(word | history) for each of `words` (ids, -1 for a word never seen): the trigram
        `row` and the `last` token's bigram, interpolated down to the continuation unigram."""
        seen = np.where(words >= 0, self.continuations[np.maximum(words, 0)], 0)
        probabilities: Floats = (seen + UNIGRAM_PRIOR) / self._continuation_total
        if last is not None and self.bigram_totals[last] > 0:
            counts = self.bigram_rows.counts_of(last, words)
            total, backoff = float(self.bigram_totals[last]), float(self.bigram_backoff[last])
            probabilities = _interpolate(counts, total, backoff, probabilities)
        if row is not None:
            counts = self.trigram_rows.counts_of(row, words)
            total, backoff = float(self.history_counts[row]), float(self.trigram_backoff[row])
            probabilities = _interpolate(counts, total, backoff, probabilities)
        return probabilities

    def _context(self, paragraph: str) -> tuple[int | None, int | None]:
        """The trigram row and the last token's id for the history at the end of `paragraph`."""
        first, last = (None if t is None else self.ids.get(t) for t in history(paragraph))
        return self._history_row(first, last), last

    def probability(self, paragraph: str, token: str) -> float:
        """P(token | the last two tokens of `paragraph`); a token never seen in training shares
        the unigram prior."""
        row, last = self._context(paragraph)
        return float(self._probabilities(row, last, np.array([self.ids.get(token, -1)]))[0])

    def next_words(self, paragraph: str, also: Iterable[str] = ()) -> dict[str, float]:
        """The likeliest next words after `paragraph` (the text of the current paragraph before the
        cursor), and the words `also`, each with its probability. Only words are offered (no
        punctuation, no lone letter but "a", "A" and "I"), never an offensive one."""
        row, last = self._context(paragraph)
        levels = [self._top_words]
        if last is not None:
            levels.append(self.bigram_rows.most_frequent(last, CANDIDATES))
        if row is not None:
            levels.append(self.trigram_rows.most_frequent(row, CANDIDATES))
        offered = {self.words[i] for level in levels for i in level.tolist()} | set(also)
        words = [word for word in offered if _offerable(word)]
        ids = np.array([self.ids.get(word, -1) for word in words], np.int64)
        return dict(zip(words, self._probabilities(row, last, ids).tolist(), strict=True))

    def completions(self, paragraph: str, prefix: str) -> tuple[dict[str, float], float]:
        """The words seen after the last two tokens of `paragraph` (or after its last one) that
        start with `prefix`, each with its probability, and the probability of every word that
        starts with `prefix` (what those leave of it goes to words never seen there, in
        proportion to the unigram's). Only words are offered, as by `next_words`."""
        row, last = self._context(paragraph)
        low, high = prefix_range(self.words, prefix)
        followers = [self.trigram_rows.words_between(row, low, high)] if row is not None else []
        if last is not None:
            followers.append(self.bigram_rows.words_between(last, low, high))
        ids = np.unique(np.concatenate(followers)) if followers else np.zeros(0, np.int64)
        probabilities = self._probabilities(row, last, ids)
        # A word seen at neither level gets the unigram's probability times every backoff above.
        chain = 1.0
        if last is not None and self.bigram_totals[last] > 0:
            chain *= float(self.bigram_backoff[last])
        if row is not None:
            chain *= float(self.trigram_backoff[row])
        unseen = self._unigram_running[high] - self._unigram_running[low]
        unseen -= float(self._unigram_running[ids + 1].sum() - self._unigram_running[ids].sum())
        mass = float(probabilities.sum()) + chain * max(unseen, 0.0)
        best = np.argsort(-probabilities, kind="stable")[:CANDIDATES]
        offered = {
            self.words[int(ids[i])]: float(probabilities[i])
            for i in best
            if _offerable(self.words[int(ids[i])])
        }
        return offered, mass


def _interpolate(counts: Ids, total: float, backoff: float, lower: Floats) -> Floats:
    """Interpolated Kneser-Ney: the discounted counts after a history, plus the probability left
    over (what the discount freed, and what pruning removed) spread by the lower order's."""
    mixed: Floats = np.maximum(counts - DISCOUNT, 0.0) / total + backoff * lower
    return mixed


def _is_integer_vector(values: object) -> bool:
    return isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "iu"


def _offerable(word: str) -> bool:
    return is_word(word) and not is_lone_letter(word) and not is_offensive(word)


@lru_cache(maxsize=2)
def load_trigrams(path: Path) -> WordTrigrams:
    """The word trigram model at `path`, read once per process."""
    return WordTrigrams.load(path)
