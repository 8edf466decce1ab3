"""The restricted vocabulary the model is trained over: the most frequent training tokens, plus one
shared row for every other token (see `model.py`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, N_VOCAB


@dataclass(frozen=True)
class RestrictedVocab:
    frequent: np.ndarray  # GPT-2 ids, one per row (row i <-> frequent[i]); the RARE row is last
    seen: np.ndarray  # every GPT-2 id that occurs in the training stream

    @classmethod
    def from_stream(cls, stream: np.ndarray, size: int) -> RestrictedVocab:
        """The `size - 1` most frequent ids of `stream` (always with `<|endoftext|>`)."""
        counts = np.bincount(stream.astype(np.int64), minlength=N_VOCAB)
        counts[END_OF_TEXT_ID] = counts.max() + 1
        order = np.argsort(-counts, kind="stable")
        n_frequent = min(size - 1, int((counts > 0).sum()))
        return cls(np.sort(order[:n_frequent]), np.flatnonzero(counts > 0))

    @property
    def size(self) -> int:
        return len(self.frequent) + 1

    @property
    def rare_row(self) -> int:
        return len(self.frequent)

    @property
    def n_rare(self) -> int:
        """GPT-2 tokens seen in training that share the RARE row."""
        return max(len(self.seen) - len(self.frequent), 1)

    def lookup(self) -> np.ndarray:
        """GPT-2 id -> row; every id outside the frequent set maps to the RARE row."""
        table = np.full(N_VOCAB, self.rare_row, dtype=np.int64)
        table[self.frequent] = np.arange(len(self.frequent))
        return table

    def to_rows(self, stream: np.ndarray) -> np.ndarray:
        return self.lookup()[stream.astype(np.int64)]
